"""Labelled pairs of identities for the duplicate check: the same person typed otherwise,
and different persons who look alike.

Two sets are drawn from separate halves of the name pools and separate random seeds: the
*tuning* set (the weights of relais.people.matching were chosen on it) and the *held-out*
set (measured only: tests/people/test_identity_model.py and `make bench`). Each case is
(kind, same, hard, typed, record): `typed` is what the reception desk types, `record` is
the record already in the base.

Same person: typos (a letter added, dropped, replaced or two swapped) in one name,
phonetic spellings (« Cissé » / « Sissé »), joined or split particles (« Le Goff » /
« Legoff »), the usage name typed as the birth name, one given name of several
(« Claire » / « Marie-Claire »), names inverted, and birth dates with day and month
swapped, one digit wrong, two digits swapped, a year off or a few days off. *Hard* cases
combine two variations (a typo or a phonetic spelling and a near date, a collapsed
particle and a near date…).

Different persons: namesakes (same names, another birth date), a parent and a child
(same names, same day and month, 18 to 45 years apart), twins (same surname and date,
another given name), siblings (same surname, another given name, a few years apart), and
persons born the same day."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass

from relais.core.phonetic import french_phonetic

# fmt: off
SURNAMES = [
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent",
    "Fournier", "Morel", "Girard", "Mercier", "Dupont", "Lambert", "Bonnet", "Legrand",
    "Garnier", "Faure", "Rousseau", "Blanc", "Guérin", "Muller", "Henry", "Roussel", "Perrin",
    "Morin", "Mathieu", "Clément", "Gauthier", "Fontaine", "Chevalier", "Robin", "Masson",
    "Sanchez", "Nguyen", "Boyer", "Denis", "Lemaire", "Duval", "Joly", "Roche", "Meunier",
    "Marchand", "Dufour", "Blanchard", "Barbier", "Brunet", "Schmitt", "Leroux", "Colin",
    "Fernandez", "Renard", "Arnaud", "Caron", "Aubert", "Giraud", "Leclerc", "Vidal",
    "Bourgeois", "Lemoine", "Picard", "Gaillard", "Lacroix", "Fabre", "Dupuis", "Hubert",
    "Guillot", "Rivière", "Moulin", "Berger", "Lecomte", "Ménard", "Fleury", "Deschamps",
    "Carpentier", "Maillard", "Aubry", "Vasseur", "Jacquet", "Prévost", "Poirier", "Huet",
    "Benali", "Haddad", "Diallo", "Traoré", "Camara", "Koné", "Keita", "Touré", "Mendy",
    "Pereira", "Ferreira", "Santos", "Oliveira", "Bouzid", "Mansouri", "Hamidi", "Kowalczyk",
    "Łukasik", "Nowak", "Strauß", "Øberg", "Bœuf", "Yilmaz", "Öztürk", "Kaya", "Ivanova",
    "Petrov", "Tran", "Pham", "Rakotomalala", "Mukendi", "Kabila", "Okafor", "Mensah", "Cherif",
    "Brahimi", "Zerrouki", "Khelifi", "Messaoudi", "Amrani", "Benhamou", "Lopes",
]
FIRST_F = [
    "Marie", "Nathalie", "Isabelle", "Sylvie", "Catherine", "Christine", "Sandrine", "Céline",
    "Julie", "Aurélie", "Émilie", "Sophie", "Camille", "Laura", "Manon", "Chloé", "Léa", "Inès",
    "Sarah", "Fatima", "Aïcha", "Khadija", "Mariama", "Fatoumata", "Awa", "Yasmine", "Nadia",
    "Samira", "Leïla", "Amina", "Océane", "Jade", "Zoé", "Lucie", "Anaïs", "Mélanie", "Hélène",
    "Agnès", "Brigitte", "Monique", "Claire", "Élodie", "Justine", "Pauline", "Margaux",
    "Clara", "Noémie", "Salomé", "Assia", "Malika", "Rokia", "Kadiatou", "Ana", "Joana",
]
FIRST_M = [
    "Jean", "Pierre", "Michel", "Philippe", "Alain", "Nicolas", "Christophe", "Patrick",
    "Laurent", "Frédéric", "Julien", "Thomas", "Antoine", "Maxime", "Kevin", "Lucas", "Hugo",
    "Mohamed", "Ahmed", "Karim", "Mehdi", "Youssef", "Rachid", "Samir", "Moussa", "Mamadou",
    "Ibrahim", "Ousmane", "Bilal", "Yanis", "Adam", "Rayan", "Nathan", "Théo", "Louis",
    "Gabriel", "Arthur", "Jules", "Paul", "Sébastien", "Stéphane", "Olivier", "Damien", "Bruno",
    "Éric", "Franck", "Hamza", "Idriss", "Sékou", "Lamine", "Tiago", "Rui",
]
# Names that are spelt several ways (what a reception desk hears).
PHONETIC_SURNAMES = [
    ("Cissé", "Sissé"), ("Belkacem", "Belkassem"), ("Lefèvre", "Lefebvre"),
    ("Dupont", "Dupond"), ("Camara", "Kamara"), ("Diallo", "Dialo"), ("Traoré", "Traoret"),
    ("Philippon", "Filippon"), ("Caillot", "Kaillot"), ("Renaud", "Renaut"),
    ("Bensaïd", "Bensaid"), ("Boukhari", "Boukari"), ("Schmitt", "Chmitt"),
    ("Benyoucef", "Benyoussef"), ("Gauthier", "Gautier"), ("Lemaître", "Lemaitre"),
    ("Mathieu", "Matthieu"), ("Thiam", "Tiam"), ("Coulibaly", "Koulibaly"),
    ("Kassimi", "Cassimi"), ("Seck", "Sek"), ("Ferreira", "Fereira"), ("Chérif", "Cherif"),
    ("Rousseau", "Roussaud"), ("Haddad", "Hadad"), ("Meunier", "Meuniez"),
    ("Bertaux", "Berteau"), ("Foucault", "Foucaud"), ("Mansouri", "Mansoury"),
    ("Hamidi", "Hamidy"), ("Ziani", "Ziany"), ("Guillot", "Guilleau"),
]
PHONETIC_GIVEN = [
    ("Youssef", "Youcef"), ("Mohamed", "Mouhamed"), ("Mohamed", "Mohammed"), ("Aïcha", "Aicha"),
    ("Khadija", "Kadija"), ("Philippe", "Filippe"), ("Christophe", "Kristophe"),
    ("Mathis", "Matis"), ("Théo", "Téo"), ("Yasmine", "Yasmina"), ("Sofiane", "Sofyane"),
    ("Ismaël", "Ismael"), ("Rachid", "Rachide"), ("Abdelkader", "Abdelkadir"),
    ("Oussama", "Ousama"), ("Leïla", "Layla"), ("Mamadou", "Mamadu"), ("Moussa", "Mousa"),
    ("Karim", "Carim"), ("Samir", "Sameer"), ("Nadia", "Nadya"), ("Lucie", "Lucy"),
    ("Zoé", "Zoe"), ("Stéphane", "Stefane"), ("Anaïs", "Anais"), ("Mickaël", "Michaël"),
    ("Grégory", "Grégorie"), ("Jérémy", "Jérémie"),
]
PARTICLE_SURNAMES = [
    ("Le Goff", "Legoff"), ("Ben Salah", "BenSalah"), ("Da Silva", "Dasilva"),
    ("N'Diaye", "Ndiaye"), ("De La Fontaine", "Delafontaine"), ("Le Gall", "Legall"),
    ("Ben Ali", "Benali"), ("Dos Santos", "Dossantos"), ("Van Damme", "Vandamme"),
    ("El Amrani", "Elamrani"), ("Le Roux", "Leroux"), ("Da Costa", "Dacosta"),
    ("Ould Ahmed", "Ouldahmed"), ("D'Almeida", "Dalmeida"), ("Du Pont", "Dupont"),
    ("Le Bihan", "Lebihan"), ("Abou Zeid", "Abouzeid"), ("De Oliveira", "Deoliveira"),
    ("M'Bappé", "Mbappé"), ("Ait Ali", "Aïtali"), ("Ben Amor", "Benamor"),
    ("La Rosa", "Larosa"), ("O'Neill", "Oneill"), ("Le Floch", "Lefloch"),
]
COMPOUND_GIVEN = [
    ("Marie-Claire", "Claire"), ("Jean-Pierre", "Jean"), ("Marie-Hélène", "Hélène"),
    ("Anne-Sophie", "Sophie"), ("Jean-Baptiste", "Baptiste"), ("Marie-Laure", "Laure"),
    ("Pierre-Yves", "Pierre"), ("Fatima Zahra", "Fatima"), ("Mohamed Amine", "Amine"),
    ("Jean-Marc", "Marc"), ("Marie-Christine", "Christine"), ("Anne-Laure", "Anne"),
    ("Paul-Henri", "Paul"), ("Marie-Pierre", "Marie"), ("Jean-Luc", "Luc"),
    ("Sidi Mohamed", "Mohamed"), ("Marie-France", "France"), ("Louis-Marie", "Louis"),
]
# Twins and siblings often get close names; what tells them apart then is the sex.
SIBLING_NAMES = [
    ("Jean", "Jeanne", "M", "F"), ("Louis", "Louise", "M", "F"), ("Paul", "Pauline", "M", "F"),
    ("Marie", "Mario", "F", "M"), ("Yanis", "Yasmine", "M", "F"), ("Adam", "Adama", "M", "F"),
    ("Enzo", "Enza", "M", "F"), ("Lina", "Lino", "F", "M"), ("Simon", "Simone", "M", "F"),
    ("Michel", "Michèle", "M", "F"),
]
# fmt: on

SAME_KINDS = (
    "identical",
    "typo_surname",
    "typo_given",
    "phonetic_surname",
    "phonetic_given",
    "particles",
    "usage_as_birth",
    "one_given_name",
    "inverted",
    "date_swap",
    "date_one_digit",
    "date_transposed",
    "date_year",
    "date_near",
)
HARD_KINDS = (
    "hard_typo_near_date",
    "hard_phonetic_near_date",
    "hard_particles_date",
    "hard_usage_date",
    "hard_one_given_date",
    "hard_typo_given_date_digit",
)
DIFFERENT_KINDS = ("namesake", "parent_child", "twins", "siblings", "same_birth_date")


@dataclass(frozen=True)
class Case:
    kind: str
    same: bool
    hard: bool
    typed: dict
    record: dict


def _half(pool: list, part: int) -> list:
    return pool[part::2]


def _typo(rng: random.Random, name: str) -> str:
    letters = list(name)
    positions = [i for i, c in enumerate(letters) if c.isalpha()]
    if len(positions) < 4:
        return name + name[-1]  # a letter doubled
    i = rng.choice(positions[1:-1])
    op = rng.choice(("add", "drop", "replace", "swap"))
    if op == "add":
        letters.insert(i, letters[i])
    elif op == "drop":
        del letters[i]
    elif op == "replace":
        letters[i] = rng.choice([c for c in "aeioulnrst" if c != letters[i].lower()])
    elif i + 1 < len(letters) and letters[i + 1].isalpha() and letters[i] != letters[i + 1]:
        letters[i], letters[i + 1] = letters[i + 1], letters[i]
    else:
        del letters[i]
    return "".join(letters)


def _valid(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def date_variant(rng: random.Random, born: dt.date, kind: str) -> dt.date:
    """A birth date typed otherwise: swapped day and month, one digit, two digits swapped,
    a year off, a few days off."""
    for _ in range(50):
        if kind == "swap":
            found = _valid(born.year, born.day, born.month) if born.day != born.month else None
        elif kind == "one_digit":
            digits = list(born.strftime("%d%m%Y"))
            i = rng.choice([0, 1, 2, 3, 6, 7])  # day, month, last digits of the year
            digits[i] = rng.choice([d for d in "0123456789" if d != digits[i]])
            text = "".join(digits)
            found = _valid(int(text[4:]), int(text[2:4]), int(text[:2]))
            if found and abs((found - born).days) >= 365 * 15:
                found = None
        elif kind == "transposed":
            digits = list(born.strftime("%d%m%Y"))
            i = rng.choice([0, 2, 6])
            digits[i], digits[i + 1] = digits[i + 1], digits[i]
            text = "".join(digits)
            found = _valid(int(text[4:]), int(text[2:4]), int(text[:2]))
            if found == born or (found and abs((found - born).days) >= 365 * 15):
                found = None
        elif kind == "year":
            found = _valid(born.year + rng.choice((-1, 1)), born.month, born.day)
        else:  # near
            found = born + dt.timedelta(days=rng.choice([-1, 1]) * rng.randint(1, 20))
        if found and found != born:
            return found
    return born + dt.timedelta(days=3)  # no such variant of this date (the 29th of February…)


class _Drawer:
    def __init__(self, seed: str, part: int) -> None:
        self.rng = random.Random(seed)
        self.part = part
        self.surnames = _half(SURNAMES, part)
        self.first_f, self.first_m = _half(FIRST_F, part), _half(FIRST_M, part)
        self.phonetic_surnames = _half(PHONETIC_SURNAMES, part)
        self.phonetic_given = _half(PHONETIC_GIVEN, part)
        self.particles = _half(PARTICLE_SURNAMES, part)
        self.compound = _half(COMPOUND_GIVEN, part)
        self.siblings = _half(SIBLING_NAMES, part)

    def person(self) -> dict:
        rng = self.rng
        sex = rng.choice("FM")
        first = rng.choice(self.first_f if sex == "F" else self.first_m)
        if rng.random() < 0.15:
            first = f"{first} {rng.choice(self.first_f if sex == 'F' else self.first_m)}"
        born = dt.date(1945, 1, 1) + dt.timedelta(days=rng.randrange(365 * 62))
        if rng.random() < 0.02:
            born = dt.date(rng.choice((1964, 1972, 1980, 1988, 1996, 2000)), 2, 29)
        return {
            "birth_name": rng.choice(self.surnames),
            "usage_name": "",
            "first_names": first,
            "birth_date": born,
            "sex": sex if rng.random() < 0.8 else "",
            "phone": f"06 {rng.randrange(10**8):08d}" if rng.random() < 0.5 else "",
            "email": "",
            "france_travail_id": "",
        }

    def typed_from(self, record: dict) -> dict:
        typed = dict(record)
        rng = self.rng
        # What the reception desk knows this time: the phone may be missing or new.
        typed["phone"] = record["phone"] if rng.random() < 0.3 else ""
        typed["sex"] = record["sex"] if rng.random() < 0.7 else ""
        return typed

    def same(self, kind: str) -> Case:
        rng = self.rng
        record = self.person()
        hard = kind.startswith("hard_")
        if kind in ("phonetic_surname", "hard_phonetic_near_date"):
            a, b = rng.choice(self.phonetic_surnames)
            record["birth_name"] = a
        elif kind in ("particles", "hard_particles_date"):
            a, b = rng.choice(self.particles)
            record["birth_name"] = a
        elif kind == "phonetic_given":
            a, b = rng.choice(self.phonetic_given)
            record["first_names"] = a
        elif kind in ("one_given_name", "hard_one_given_date"):
            a, b = rng.choice(self.compound)
            record["first_names"] = a
        if kind in ("usage_as_birth", "hard_usage_date"):
            record["sex"] = "F"
            record["usage_name"] = rng.choice(
                [s for s in self.surnames if s != record["birth_name"]]
            )
        typed = self.typed_from(record)
        a_b_swap = rng.random() < 0.5  # the same record, found from either side
        if kind in ("typo_surname", "hard_typo_near_date"):
            typed["birth_name"] = _typo(rng, record["birth_name"])
        elif kind in ("typo_given", "hard_typo_given_date_digit"):
            typed["first_names"] = _typo(rng, record["first_names"])
        elif kind in (
            "phonetic_surname",
            "hard_phonetic_near_date",
            "particles",
            "hard_particles_date",
        ):
            typed["birth_name"] = b if not a_b_swap else record["birth_name"]
            if a_b_swap:
                record["birth_name"] = b
        elif kind == "phonetic_given" or kind in ("one_given_name", "hard_one_given_date"):
            typed["first_names"] = b
            if a_b_swap:
                typed["first_names"], record["first_names"] = record["first_names"], b
        elif kind in ("usage_as_birth", "hard_usage_date"):
            typed["birth_name"], typed["usage_name"] = record["usage_name"], ""
        elif kind == "inverted":
            typed["birth_name"], typed["first_names"] = record["first_names"], record["birth_name"]
        date_kind = {
            "date_swap": "swap",
            "date_one_digit": "one_digit",
            "date_transposed": "transposed",
            "date_year": "year",
            "date_near": "near",
            "hard_typo_near_date": "near",
            "hard_phonetic_near_date": rng.choice(("near", "one_digit", "year", "swap")),
            "hard_particles_date": rng.choice(("near", "one_digit", "transposed")),
            "hard_usage_date": rng.choice(("near", "one_digit", "swap")),
            "hard_one_given_date": rng.choice(("near", "one_digit", "year")),
            "hard_typo_given_date_digit": "one_digit",
        }.get(kind)
        if kind == "date_swap":
            day = rng.randint(1, 12)
            month = rng.choice([m for m in range(1, 13) if m != day])
            record["birth_date"] = typed["birth_date"] = record["birth_date"].replace(
                month=month, day=day
            )
        if date_kind:
            if date_kind == "swap" and record["birth_date"].day > 12:
                record["birth_date"] = typed["birth_date"] = record["birth_date"].replace(day=5)
            typed["birth_date"] = date_variant(rng, record["birth_date"], date_kind)
        return Case(kind=kind, same=True, hard=hard, typed=typed, record=record)

    def different(self, kind: str) -> Case:
        rng = self.rng
        record = self.person()
        other = dict(record)
        # Relatives often share a phone; persons met by chance do not.
        family = kind in ("parent_child", "twins", "siblings")
        other["phone"] = (
            record["phone"]
            if family and rng.random() < 0.3
            else (f"07 {rng.randrange(10**8):08d}" if rng.random() < 0.5 else "")
        )
        other["sex"] = record["sex"] if rng.random() < 0.8 else ""
        if kind == "namesake":
            while True:
                born = dt.date(1945, 1, 1) + dt.timedelta(days=rng.randrange(365 * 62))
                if abs((born - record["birth_date"]).days) > 31 and (born.month, born.day) != (
                    record["birth_date"].month,
                    record["birth_date"].day,
                ):
                    break
            other["birth_date"] = born
        elif kind == "parent_child":
            gap = rng.randint(18, 45)
            born = record["birth_date"]
            other["birth_date"] = _valid(born.year - gap, born.month, born.day) or born.replace(
                year=born.year - gap, day=28
            )
        elif kind in ("twins", "siblings"):
            if rng.random() < 0.3:
                a, b, sex_a, sex_b = rng.choice(self.siblings)
                record["first_names"], other["first_names"] = a, b
                record["sex"] = sex_a if rng.random() < 0.8 else ""
                other["sex"] = sex_b if rng.random() < 0.8 else ""
            else:
                sex = rng.choice("FM")
                pool = self.first_f if sex == "F" else self.first_m
                given = set(record["first_names"].split())
                other["first_names"] = rng.choice(
                    [
                        f
                        for f in pool
                        if f not in given
                        and french_phonetic(f) != french_phonetic(record["first_names"])
                    ]
                )
                other["sex"] = sex if rng.random() < 0.8 else ""
            if kind == "siblings":
                other["birth_date"] = record["birth_date"] + dt.timedelta(
                    days=rng.choice((-1, 1)) * rng.randint(300, 365 * 12)
                )
        elif kind == "same_birth_date":
            stranger = self.person()
            stranger["birth_date"] = record["birth_date"]
            other = stranger
        return Case(kind=kind, same=False, hard=False, typed=other, record=record)


def cases(seed: str, *, part: int, per_kind: int = 30) -> list[Case]:
    drawer = _Drawer(seed, part)
    found = []
    for kind in SAME_KINDS + HARD_KINDS:
        found += [drawer.same(kind) for _ in range(per_kind)]
    for kind in DIFFERENT_KINDS:
        found += [drawer.different(kind) for _ in range(per_kind * 2)]
    return found


def tuning_set() -> list[Case]:
    return cases("identity-tuning", part=0)


def held_out_set() -> list[Case]:
    return cases("identity-held-out", part=1)


def name_frequencies(population: int = 100_000) -> dict[tuple[str, str], int]:
    """How many persons of an organisation of `population` carry each name's phonetic
    key: the surnames and given names of the pools, the first ones most frequent (Zipf)."""
    counts: Counter = Counter()
    for role, pool in (("s", SURNAMES), ("g", FIRST_F + FIRST_M)):
        total = sum(1 / (rank + 1) for rank in range(len(pool)))
        share = 0.4 if role == "s" else 0.8  # the rest: names not in the pools
        for rank, name in enumerate(pool):
            counts[(role, french_phonetic(name))] += round(
                population * share / total / (rank + 1) / (2 if role == "g" else 1)
            )
    return dict(counts)


def profile(identity: dict, pk: int | None = None):
    from relais.people.matching import Profile

    return Profile(pk=pk, **identity)


@dataclass
class Figures:
    """Per kind: how many pairs, how many proposed as duplicates."""

    by_kind: dict[str, list[int]]  # kind → [pairs, proposed]

    def rate(self, kinds) -> float:
        pairs = sum(self.by_kind[k][0] for k in kinds if k in self.by_kind)
        proposed = sum(self.by_kind[k][1] for k in kinds if k in self.by_kind)
        return proposed / pairs if pairs else 0.0

    @property
    def recall(self) -> float:
        return self.rate(SAME_KINDS + HARD_KINDS)

    @property
    def hard_recall(self) -> float:
        return self.rate(HARD_KINDS)

    @property
    def false_alarms(self) -> float:
        return self.rate(DIFFERENT_KINDS)

    @property
    def precision(self) -> float:
        true = sum(self.by_kind[k][1] for k in SAME_KINDS + HARD_KINDS)
        false = sum(self.by_kind[k][1] for k in DIFFERENT_KINDS)
        return true / (true + false) if true + false else 1.0

    def lines(self) -> list[str]:
        out = []
        for kind, (pairs, proposed) in self.by_kind.items():
            what = "recall" if kind not in DIFFERENT_KINDS else "false alarms"
            out.append(f"{kind:<28} {pairs:>4} pairs  {what} {100 * proposed / pairs:5.1f} %")
        out.append(
            f"recall {100 * self.recall:.1f} % (hard cases {100 * self.hard_recall:.1f} %), "
            f"false alarms {100 * self.false_alarms:.1f} %, precision {100 * self.precision:.1f} %"
        )
        return out


def evaluate(labelled: list[Case], proposed=None) -> Figures:
    """`proposed(case) -> bool`; by default the model alone (relais.people.matching)."""
    from relais.people.matching import compare

    if proposed is None:
        frequencies = name_frequencies()

        def proposed(case: Case) -> bool:
            return compare(profile(case.typed), profile(case.record), frequencies).is_likely

    by_kind: dict[str, list[int]] = {}
    for case in labelled:
        row = by_kind.setdefault(case.kind, [0, 0])
        row[0] += 1
        row[1] += bool(proposed(case))
    return Figures(by_kind)
