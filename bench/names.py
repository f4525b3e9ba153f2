"""Fictitious names for 100,000 generated persons, with a realistic spread.

French surnames follow a long tail: the most frequent one (Martin) is carried by about 0.3 %
of the population, and the thousand most frequent cover well under half of it. Drawing from
a short list would make every name search and every duplicate check find hundreds of
namesakes; here about half the surnames come from common names (weighted, frequent ones
first) and the other half are composed from syllables (a few thousand rare names), so that
a common name has a few hundred bearers among 100,000 persons and a rare one a handful."""

from __future__ import annotations

import random
from functools import cache
from itertools import accumulate

from relais.demo.accompaniment.catalogue import FEMALE_FIRST_NAMES as DEMO_FEMALE
from relais.demo.accompaniment.catalogue import LAST_NAMES as DEMO_LAST
from relais.demo.accompaniment.catalogue import MALE_FIRST_NAMES as DEMO_MALE

COMMON_LAST = [
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
    "Vincent", "Fournier", "Morel", "Girard", "André", "Lefèvre", "Mercier", "Dupont",
    "Lambert", "Bonnet", "François", "Martinez", "Legrand", "Garnier", "Faure", "Rousseau",
    "Blanc", "Guérin", "Muller", "Henry", "Roussel", "Nicolas", "Perrin", "Morin", "Mathieu",
    "Clément", "Gauthier", "Dumont", "Lopez", "Fontaine", "Chevalier", "Robin", "Masson",
    "Sanchez", "Gérard", "Nguyen", "Boyer", "Denis", "Lemaire", "Duval", "Joly", "Gautier",
    "Roger", "Roche", "Roy", "Noël", "Meyer", "Lucas", "Meunier", "Jean", "Perez", "Marchand",
    "Dufour", "Blanchard", "Marie", "Barbier", "Brun", "Dumas", "Brunet", "Schmitt", "Leroux",
    "Colin", "Fernandez", "Pierre", "Renard", "Arnaud", "Rolland", "Caron", "Aubert",
    "Giraud", "Leclerc", "Vidal", "Bourgeois", "Renaud", "Lemoine", "Picard", "Gaillard",
    "Philippe", "Leclercq", "Lacroix", "Fabre", "Dupuis", "Olivier", "Rodriguez", "Da Silva",
    "Hubert", "Louis", "Charles", "Guillot", "Rivière", "Le Gall", "Guillaume", "Adam", "Rey",
    "Moulin", "Gonzalez", "Berger", "Lecomte", "Menard", "Fleury", "Deschamps", "Carpentier",
    "Julien", "Benoît", "Paris", "Maillard", "Marchal", "Aubry", "Vasseur", "Le Roux", "Renault",
    "Jacquet", "Collet", "Prévost", "Poirier", "Charpentier", "Royer", "Huet", "Baron",
    "Dupuy", "Pons", "Paul", "Laine", "Carré", "Breton", "Rémy", "Schneider", "Perrot",
    "Guyot", "Barré", "Marty", "Cousin", "Benali", "Haddad", "Diallo", "Traoré", "Camara",
    "Cissé", "Koné", "Keita", "Touré", "Sow", "Ba", "Ndiaye", "Diop", "Mendy", "Gomes",
    "Pereira", "Ferreira", "Lopes", "Santos", "Oliveira", "Bouzid", "Mansouri", "Hamidi",
    "Cherif", "Amrani", "Belkacem", "Saidi", "Brahimi", "Yilmaz", "Kaya", "Demir", "Aydin",
    "Tran", "Pham", "Le", "Popescu", "Ionescu", "Petrenko", "Kovalenko", "Rossi", "Ferrari",
]  # fmt: skip

FEMALE_FIRST = [
    "Marie", "Nathalie", "Isabelle", "Sylvie", "Catherine", "Sandrine", "Valérie", "Christine",
    "Céline", "Stéphanie", "Aurélie", "Émilie", "Julie", "Laura", "Camille", "Léa", "Manon",
    "Chloé", "Inès", "Sarah", "Emma", "Jade", "Louise", "Lina", "Amina", "Fatoumata", "Aïcha",
    "Mariam", "Yasmine", "Samira", "Khadija", "Leïla", "Nour", "Awa", "Bintou", "Hawa",
    "Oksana", "Ana", "Zeynep", "Myriam", "Sonia", "Jessica", "Anaïs", "Élodie", "Marine",
    "Pauline", "Charlotte", "Lucie", "Océane", "Mélanie", "Karima", "Nadia", "Fatima", "Sabrina",
    "Marie-Claire", "Anne-Sophie", "Marie-Hélène", "Nadège", "Josiane", "Monique",
]  # fmt: skip

MALE_FIRST = [
    "Jean", "Philippe", "Michel", "Alain", "Patrick", "Nicolas", "Christophe", "Pierre",
    "Christian", "Éric", "Frédéric", "Laurent", "Stéphane", "David", "Sébastien", "Julien",
    "Thomas", "Kévin", "Anthony", "Jordan", "Dylan", "Hugo", "Lucas", "Enzo", "Nathan",
    "Mohamed", "Ahmed", "Karim", "Youssef", "Mehdi", "Bilal", "Rachid", "Farid", "Omar",
    "Mamadou", "Moussa", "Ibrahim", "Adama", "Oumar", "Souleymane", "Vasile", "Artur", "Hamid",
    "Serge", "Thierry", "Florian", "Maxime", "Romain", "Alexandre", "Antoine", "Quentin",
    "Jean-Pierre", "Jean-Marc", "Jean-Luc", "Mathieu", "Yanis", "Rayan", "Adam", "Ilyes", "Noah",
]  # fmt: skip

_ONSETS = [
    "Bel", "Ber", "Bou", "Cha", "Del", "Dur", "Fal", "Gar", "Gil", "Jou", "Lab", "Lam", "Lar",
    "Mar", "Mau", "Mon", "Pel", "Per", "Pra", "Rav", "Rou", "Sal", "Tar", "Val", "Ver", "Vil",
    "Cou", "Mai", "Bro", "Gra", "Tré", "Kér", "Le Ber", "Le Gu", "Ben", "Bou", "Kou", "Ndi",
    "Sa", "Ha", "Ma", "Da", "Ro", "Fe", "Bo", "Ta", "Lu", "Mi",
]  # fmt: skip
_CODAS = [
    "ard", "aud", "el", "et", "ier", "in", "on", "ot", "oux", "ac", "ade", "ange", "ault",
    "eau", "enne", "ès", "ieu", "ois", "ouin", "ourt", "ville", "mont", "court", "bert",
    "chard", "lot", "nier", "rand", "ssac", "tier", "doux", "ny", "gnon", "vel", "zé",
    "ami", "ouni", "diaye", "ssa", "lla", "rini", "escu", "enko", "oglu", "ez",
]  # fmt: skip


@cache
def _last_pool() -> tuple[tuple[str, ...], tuple[float, ...]]:
    names = list(dict.fromkeys([*COMMON_LAST, *DEMO_LAST]))
    # Zipf-like weights: the first names of the list (the most frequent in France) weigh most.
    weights = [1 / (rank + 40) for rank in range(len(names))]
    return tuple(names), tuple(accumulate(weights))


@cache
def _rare_pool() -> tuple[str, ...]:
    rare = {f"{onset}{coda}" for onset in _ONSETS for coda in _CODAS}
    return tuple(sorted(rare - set(COMMON_LAST)))


def last_name(rng: random.Random) -> str:
    if rng.random() < 0.5:
        names, cumulative = _last_pool()
        return rng.choices(names, cum_weights=cumulative)[0]
    return rng.choice(_rare_pool())


@cache
def _first_pool(female: bool) -> tuple[str, ...]:
    own = FEMALE_FIRST if female else MALE_FIRST
    demo = DEMO_FEMALE if female else DEMO_MALE
    return tuple(dict.fromkeys([*own, *demo]))


def first_names(rng: random.Random, female: bool) -> str:
    pool = _first_pool(female)
    first = rng.choice(pool)
    if rng.random() < 0.12:  # a second first name, as on an identity card
        second = rng.choice(pool)
        if second != first:
            return f"{first} {second}"
    return first
