"""Territory pages: defining a territory, the portrait, observed needs and gaps, the import
flow, the ABS and the watch log; each list page with a fixed number of queries."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from relais.territory import needs_summary
from relais.territory.models import (
    ImportStatus,
    IndicatorImport,
    IndicatorValue,
    NeedsSummaryState,
    Territory,
)
from tests.factories.diagnostics import DiagnosticFactory, DomainAssessmentFactory
from tests.factories.people import PersonFactory
from tests.factories.territory import (
    IndicatorFactory,
    IndicatorValueFactory,
    NeedsAnalysisFactory,
    PoolingAgreementFactory,
    TerritoryFactory,
    WatchItemFactory,
)
from tests.helpers import count_queries, page_text

pytestmark = pytest.mark.django_db


def test_manager_defines_a_territory(manager_client, organisation):
    response = manager_client.post(
        reverse("territory:create"), {"name": "Est lyonnais", "areas": "Villeurbanne, 69256"}
    )
    territory = Territory.objects.get(organisation=organisation)
    assert response.status_code == 302
    assert response.url == reverse("territory:portrait", args=[territory.pk])
    assert territory.comparison_areas == ["departement:69", "france"]


def test_territory_form_reports_every_error_and_keeps_input(manager_client, organisation):
    TerritoryFactory(organisation=organisation, name="Est")
    response = manager_client.post(
        reverse("territory:create"), {"name": "Est", "areas": "Atlantide"}
    )
    text = page_text(response)
    assert response.status_code == 200
    assert "Un territoire de la structure porte déjà ce nom." in text
    assert "« Atlantide »" in text
    assert 'value="Est"' in text and "Atlantide</textarea>" in text


def test_referent_cannot_define_territories(referent_client):
    assert referent_client.get(reverse("territory:create")).status_code == 403


def test_territory_of_another_organisation_is_404(manager_client):
    other = TerritoryFactory()
    assert manager_client.get(reverse("territory:portrait", args=[other.pk])).status_code == 404
    assert manager_client.get(reverse("territory:needs", args=[other.pk])).status_code == 404


def test_portrait_shows_chart_table_and_source(referent_client, organisation):
    territory = TerritoryFactory(organisation=organisation)
    indicator = IndicatorFactory(
        organisation=organisation, name="Allocataires RSA", source="CAF, 2022"
    )
    for year in (2020, 2021, 2022):
        IndicatorValueFactory(indicator=indicator, year=year, value=1234)
    text = page_text(referent_client.get(reverse("territory:portrait", args=[territory.pk])))
    assert "<svg" in text and "Allocataires RSA" in text
    assert "source : CAF, 2022" in text
    assert '<th scope="col">2022</th>' in text


def test_portrait_renders_one_theme_and_links_the_others(referent_client, organisation):
    territory = TerritoryFactory(organisation=organisation)
    people = IndicatorFactory(organisation=organisation, name="Population municipale")
    poverty = IndicatorFactory(organisation=organisation, rate=True, name="Taux de pauvreté")
    IndicatorValueFactory(indicator=people, value=1000)
    IndicatorValueFactory(indicator=poverty, value=14.5)
    url = reverse("territory:portrait", args=[territory.pk])
    text = page_text(referent_client.get(url))
    # Démographie (first theme) is drawn; Revenus et pauvreté is a closed section whose
    # figures htmx loads when opened, or its link without JavaScript.
    assert "Population municipale" in text and "Taux de pauvreté" not in text
    assert f'hx-get="{url}?theme=income"' in text
    assert f'href="{url}?theme=income#theme-income"' in text
    whole = page_text(referent_client.get(url, {"theme": "income"}))
    assert "Taux de pauvreté" in whole and "Population municipale" not in whole
    assert "Un thème à la fois" in whole
    fragment = referent_client.get(url, {"theme": "income"}, headers={"HX-Request": "true"})
    assert "HX-Request" in fragment["Vary"]
    text = page_text(fragment)
    assert "Un thème à la fois" not in text and "<svg" in text and "Taux de pauvreté" in text
    assert '<th scope="col">2022</th>' in text


def test_portrait_unknown_theme_is_404(referent_client, organisation):
    territory = TerritoryFactory(organisation=organisation)
    IndicatorValueFactory(indicator=IndicatorFactory(organisation=organisation))
    url = reverse("territory:portrait", args=[territory.pk])
    assert referent_client.get(url, {"theme": "housing"}).status_code == 404
    assert referent_client.get(url, {"theme": "<script>"}).status_code == 404


def test_portrait_theme_of_another_organisation_is_404(manager_client):
    other = TerritoryFactory()
    url = reverse("territory:portrait", args=[other.pk])
    response = manager_client.get(url, {"theme": "demography"}, headers={"HX-Request": "true"})
    assert response.status_code == 404


def test_portrait_query_count_does_not_grow_with_indicators(referent_client, organisation):
    territory = TerritoryFactory(organisation=organisation)
    url = reverse("territory:portrait", args=[territory.pk])

    def add(n):
        for _ in range(n):
            indicator = IndicatorFactory(organisation=organisation)
            rate = IndicatorFactory(organisation=organisation, rate=True, weight=indicator)
            for year in (2020, 2021):
                IndicatorValueFactory(indicator=indicator, year=year)
                IndicatorValueFactory(indicator=rate, year=year, value=12.5)

    add(1)
    few = count_queries(lambda: referent_client.get(url))
    add(10)
    assert count_queries(lambda: referent_client.get(url)) == few


def test_needs_page_suppresses_small_counts_and_names_no_one(referent_client, organisation):
    territory = TerritoryFactory(organisation=organisation)
    PoolingAgreementFactory(organisation=organisation)
    person = PersonFactory(organisation=organisation, commune_code="69266", birth_name="Zébulon")
    diagnostic = DiagnosticFactory(person=person, assessed_on=timezone.localdate())
    DomainAssessmentFactory(diagnostic=diagnostic, domain="housing", difficulty=3)
    text = page_text(referent_client.get(reverse("territory:needs", args=[territory.pk])))
    assert "< 5" in text
    assert "Zébulon" not in text
    assert "/personnes/" not in text.split("<main", 1)[1]


def test_needs_query_count_does_not_grow_with_persons(referent_client, organisation):
    territory = TerritoryFactory(organisation=organisation)
    PoolingAgreementFactory(organisation=organisation)
    url = reverse("territory:needs", args=[territory.pk])

    def add(n):
        for _ in range(n):
            person = PersonFactory(organisation=organisation, commune_code="69266")
            diagnostic = DiagnosticFactory(person=person, assessed_on=timezone.localdate())
            DomainAssessmentFactory(diagnostic=diagnostic, domain="housing", barriers=["25"])
            DomainAssessmentFactory(diagnostic=diagnostic, domain="health")

    add(5)
    few = count_queries(lambda: referent_client.get(url))
    add(12)
    assert count_queries(lambda: referent_client.get(url)) == few


def test_needs_page_says_when_its_figures_were_computed(referent_client, organisation):
    territory = TerritoryFactory(organisation=organisation)
    PoolingAgreementFactory(organisation=organisation)
    url = reverse("territory:needs", args=[territory.pk])
    assert "Chiffres calculés à l'instant." in page_text(referent_client.get(url))
    needs_summary.refresh()
    computed = timezone.localtime(NeedsSummaryState.objects.get().computed_at)
    text = page_text(referent_client.get(url))
    assert f"Chiffres calculés le {computed:%d/%m/%Y à %H:%M}" in text


def test_import_flow_upload_map_progress(
    manager_client, organisation, django_capture_on_commit_callbacks
):
    indicator = IndicatorFactory(organisation=organisation)
    content = "Code;Année;Valeur\n69266;2021;12 345,6\n".encode("cp1252")
    response = manager_client.post(
        reverse("territory:import_upload"),
        {"indicator": indicator.pk, "file": SimpleUploadedFile("rsa.csv", content)},
    )
    job = IndicatorImport.objects.get()
    assert response.url == reverse("territory:import_detail", args=[job.pk])
    page = page_text(manager_client.get(response.url))
    assert "Windows-1252" in page and "12 345,6" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(
            reverse("territory:import_detail", args=[job.pk]),
            {"layout": "long", "code": 0, "year": 1, "value": 2},
        )
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    status = page_text(manager_client.get(reverse("territory:import_progress", args=[job.pk])))
    assert "Import terminé : 1 valeur enregistrée" in status
    assert IndicatorValue.objects.get(level="commune").value == 12345.6


def test_mapping_errors_all_at_once(manager_client, organisation):
    indicator = IndicatorFactory(organisation=organisation)
    manager_client.post(
        reverse("territory:import_upload"),
        {"indicator": indicator.pk, "file": SimpleUploadedFile("a.csv", b"a;b;c\n1;2;3\n")},
    )
    job = IndicatorImport.objects.get()
    text = page_text(
        manager_client.post(
            reverse("territory:import_detail", args=[job.pk]), {"layout": "long", "code": 0}
        )
    )
    assert "Choisissez la colonne des valeurs." in text
    assert "Choisissez la colonne de l'année, ou indiquez l'année du fichier." in text


def test_failed_import_lists_lines(
    manager_client, organisation, django_capture_on_commit_callbacks
):
    indicator = IndicatorFactory(organisation=organisation)
    manager_client.post(
        reverse("territory:import_upload"),
        {
            "indicator": indicator.pk,
            "file": SimpleUploadedFile("a.csv", b"code;annee;valeur\n99999;2021;1\n"),
        },
    )
    job = IndicatorImport.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(
            reverse("territory:import_detail", args=[job.pk]),
            {"layout": "long", "code": 0, "year": 1, "value": 2},
        )
    text = page_text(manager_client.get(reverse("territory:import_detail", args=[job.pk])))
    assert "Import refusé : rien n'a été importé." in text
    assert "Ligne 2 : code géographique « 99999 » inconnu" in text


def test_indicators_list_query_count(referent_client, organisation):
    def add(n):
        for _ in range(n):
            IndicatorValueFactory(indicator=IndicatorFactory(organisation=organisation))

    add(1)
    few = count_queries(lambda: referent_client.get(reverse("territory:indicators")))
    add(10)
    assert count_queries(lambda: referent_client.get(reverse("territory:indicators"))) == few


def test_analysis_section_saved_then_stale(referent_client, organisation, referent):
    analysis = NeedsAnalysisFactory(territory__organisation=organisation, created_by=referent)
    url = reverse("territory:analysis_section", args=[analysis.pk, "problem"])
    response = referent_client.post(
        url, {"problem-text": "Le logement d'abord.", "problem-version": 1}
    )
    assert response.status_code == 302
    analysis.refresh_from_db()
    assert analysis.narratives == {"problem": "Le logement d'abord."}
    stale = referent_client.post(url, {"problem-text": "Mon texte.", "problem-version": 1})
    text = page_text(stale)
    assert stale.status_code == 409
    assert "Mon texte." in text and "Le logement d'abord." in text
    page = page_text(referent_client.get(reverse("territory:analysis", args=[analysis.pk])))
    assert "Le logement d'abord." in page


def test_analysis_pdf_download(referent_client, organisation):
    analysis = NeedsAnalysisFactory(territory__organisation=organisation)
    response = referent_client.get(reverse("territory:analysis_pdf", args=[analysis.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_watch_search_and_query_count(referent_client, organisation):
    WatchItemFactory(
        organisation=organisation, title="Loi plein emploi", search_key="loi plein emploi"
    )
    WatchItemFactory(
        organisation=organisation, title="Schéma départemental", search_key="schema departemental"
    )
    WatchItemFactory(title="Autre structure", search_key="loi autre structure")
    text = page_text(referent_client.get(reverse("territory:watch"), {"q": "LOI"}))
    assert "Loi plein emploi" in text
    assert "Schéma départemental" not in text and "Autre structure" not in text
    url = reverse("territory:watch")
    few = count_queries(lambda: referent_client.get(url))
    for _ in range(10):
        WatchItemFactory(
            organisation=organisation, territory=TerritoryFactory(organisation=organisation)
        )
    assert count_queries(lambda: referent_client.get(url)) == few


def test_watch_form_keeps_input(referent_client):
    text = page_text(
        referent_client.post(reverse("territory:watch"), {"title": "Note", "url": "pas un lien"})
    )
    assert "Indiquez la date." in text and "Indiquez la source." in text and "Lien invalide" in text
    assert 'value="Note"' in text


def test_pooling_agreement_from_the_page(manager_client, organisation):
    manager_client.post(reverse("territory:pooling"), {"action": "agree"})
    text = page_text(manager_client.get(reverse("territory:home")))
    assert "La structure mutualise ses chiffres depuis le" in text


def test_age_bands_with_their_total_hide_a_lone_small_count(referent_client, organisation):
    import datetime as dt

    territory = TerritoryFactory(organisation=organisation)
    PoolingAgreementFactory(organisation=organisation)
    today = timezone.localdate()
    for age in (30, 31, 32, 33, 34, 60):
        person = PersonFactory(
            organisation=organisation,
            commune_code="69266",
            birth_date=dt.date(today.year - age - 1, 1, 1),
        )
        DiagnosticFactory(person=person, assessed_on=today)
    response = referent_client.get(reverse("territory:needs", args=[territory.pk]))
    rows = dict(response.context["age_rows"])
    # 5 aged 26-49 and 1 aged 50+, total 6: the 5 is hidden too, or 6 - 5 would give the 1;
    # it reads « s » (hidden to protect another count), not « < 5 », which it is not.
    assert rows == {"moins de 26 ans": "0", "26 à 49 ans": "s", "50 ans et plus": "< 5"}
    assert response.context["age_total"] == "6"
    text = page_text(response)
    assert "En " in text and " : 6 personnes diagnostiquées" in text
    assert "masqué pour protéger un petit effectif" in text


def _diagnose(organisation, commune, n, *, domains=("housing",)):
    today = timezone.localdate()
    for _ in range(n):
        person = PersonFactory(organisation=organisation, commune_code=commune)
        diagnostic = DiagnosticFactory(person=person, assessed_on=today)
        for domain in domains:
            DomainAssessmentFactory(diagnostic=diagnostic, domain=domain, difficulty=2)


def test_gap_communes_listed_never_give_a_hidden_one_by_subtraction(referent_client, organisation):
    """Housing: 6 persons in Villeurbanne, 2 in Lyon, no housing service: both communes are
    gaps and the row's total is 8. Lyon's 2 is « < 5 »; Villeurbanne must be hidden too (« s »),
    or 8 - 6 gives it."""
    territory = TerritoryFactory(organisation=organisation)
    PoolingAgreementFactory(organisation=organisation)
    _diagnose(organisation, "69266", 6)
    _diagnose(organisation, "69123", 2)
    _diagnose(organisation, "69123", 3, domains=("employment",))
    response = referent_client.get(reverse("territory:needs", args=[territory.pk]))
    rows = {
        label: (str(n), [(name, str(c)) for name, c in communes])
        for label, n, _s, communes in response.context["gap_rows"]
    }
    persons, communes = rows["Logement et hébergement"]
    assert persons == "8"
    assert dict(communes) == {"Villeurbanne": "s", "Lyon": "< 5"}
    # By commune (any difficulty): Villeurbanne 6, Lyon 5, total 11 — nothing small, all shown;
    # the year's line of the evolution is that same total.
    assert dict(response.context["commune_rows"]) and str(response.context["commune_total"]) == "11"
    year = timezone.localdate().year
    evolution = {y: str(p) for y, p, _u in response.context["evolution_rows"]}
    assert evolution[year] == "11"


def test_commune_column_and_evolution_hide_the_same_total(referent_client, organisation):
    """By commune of residence, persons in difficulty: Villeurbanne 6, Lyon 2 (Lyon's other 3
    diagnosed persons have none). The Lyon « < 5 » is protected in the commune table by hiding
    Villeurbanne — and the evolution's line for the year, which is the same total, is never
    the one figure that would give it back: the table's own total is shown with it."""
    territory = TerritoryFactory(organisation=organisation)
    PoolingAgreementFactory(organisation=organisation)
    _diagnose(organisation, "69266", 6)
    _diagnose(organisation, "69123", 2)
    _diagnose(organisation, "69123", 3, domains=())
    response = referent_client.get(reverse("territory:needs", args=[territory.pk]))
    communes = {name: str(n) for name, n in response.context["commune_rows"]}
    assert communes == {"Villeurbanne": "s", "Lyon": "< 5"}
    total = str(response.context["commune_total"])
    year = timezone.localdate().year
    evolution = {y: str(p) for y, p, _u in response.context["evolution_rows"]}
    assert total == evolution[year] == "8"


def test_a_territory_sent_twice_is_created_once(manager_client, organisation):
    page = manager_client.get(reverse("territory:create")).content.decode()
    token = page.split('name="submission" value="')[1].split('"')[0]
    data = {"name": "Est", "areas": "69", "submission": token}
    first = manager_client.post(reverse("territory:create"), data)
    second = manager_client.post(reverse("territory:create"), data, follow=True)
    assert second.redirect_chain[0][0] == first["Location"]
    assert Territory.objects.filter(organisation=organisation).count() == 1


def test_territory_update_detects_a_concurrent_edit(manager_client, organisation):
    territory = TerritoryFactory(organisation=organisation, name="Est")
    url = reverse("territory:update", args=[territory.pk])
    first = manager_client.post(url, {"name": "Est lyonnais", "areas": "69", "version": 1})
    assert first.status_code == 302
    stale = manager_client.post(url, {"name": "Mon nom", "areas": "Villeurbanne", "version": 1})
    text = page_text(stale)
    assert "Modifié entre-temps" in text
    assert 'value="Mon nom"' in text and 'name="version" value="2"' in text
    territory.refresh_from_db()
    assert territory.name == "Est lyonnais"


def test_analysis_page_lists_cited_watch_entries(referent_client, organisation):
    entry = WatchItemFactory(organisation=organisation, title="Plan pauvreté")
    analysis = NeedsAnalysisFactory(
        territory__organisation=organisation,
        narratives={"context": f"Comme l'annonce [veille {entry.pk}]."},
    )
    text = page_text(referent_client.get(reverse("territory:analysis", args=[analysis.pk])))
    cited = text.split('data-testid="watch-cited"', 1)[1]
    assert f"[veille {entry.pk}]" in cited and "Plan pauvreté" in cited
    watch = page_text(referent_client.get(reverse("territory:watch")))
    assert f"<code>[veille {entry.pk}]</code>" in watch


def test_referents_do_not_see_links_to_imports_they_may_not_open(
    referent_client, organisation, manager
):
    from django.test import Client

    from tests.helpers import login_verified

    manager_client = Client()
    login_verified(manager_client, manager)
    job = IndicatorImport.objects.create(
        organisation=organisation,
        created_by=manager,
        indicator=IndicatorFactory(organisation=organisation),
        file="territory/imports/x.csv",
        original_name="valeurs.csv",
    )
    link = reverse("territory:import_detail", args=[job.pk])
    assert referent_client.get(link).status_code == 403
    referent_page = referent_client.get(reverse("territory:indicators")).content.decode()
    assert link not in referent_page
    assert reverse("territory:import_upload") not in referent_page
    assert link in manager_client.get(reverse("territory:indicators")).content.decode()


def test_analysis_page_shows_the_needs_tables_offer_and_actor_map(referent_client, organisation):
    from tests.factories.network.directory import ServiceFactory

    analysis = NeedsAnalysisFactory(
        territory__organisation=organisation, year=timezone.localdate().year
    )
    PoolingAgreementFactory(organisation=organisation)
    _diagnose(organisation, "69266", 6)
    ServiceFactory(commune_code="69266", thematiques=["logement-hebergement"])
    response = referent_client.get(reverse("territory:analysis", args=[analysis.pk]))
    html = response.content.decode()
    for testid in ("abs-needs-chart", "abs-needs", "abs-communes", "abs-ages", "abs-schemes"):
        assert f'data-testid="{testid}"' in html, testid
    assert 'data-testid="abs-years"' in html and 'data-testid="abs-gaps"' in html
    assert f"{reverse('search:actor_map')}?territoire=69123%2C69266" in html
    offer = dict(response.context["data"].offer_by_thematique)
    assert list(offer.values()) == [1]
    assert str(response.context["commune_total"]) == "6"
