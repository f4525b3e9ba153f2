from django.urls import path

from relais.web.certification import (
    candidates,
    edits,
    enrolments,
    followup,
    groups,
    juries,
    public,
    statistics,
)

app_name = "certification"

# Mounted under "certification/".
urlpatterns = [
    path("", candidates.home, name="home"),
    path("verifier/", public.verify, name="verify"),
    path("referentiels/<str:code>/", candidates.referential, name="referential"),
    path(
        "statistiques/certificateurs/",
        statistics.certifier_statistics,
        name="certifier_statistics",
    ),
    path("statistiques/<str:code>/", statistics.statistics, name="statistics"),
    path("candidats/", candidates.candidate_list, name="candidates"),
    path("candidats/nouveau/", candidates.candidate_create, name="candidate_create"),
    path("candidats/<int:candidate_pk>/", candidates.candidate_detail, name="candidate"),
    path("candidats/<int:candidate_pk>/modifier/", edits.candidate_edit, name="candidate_edit"),
    path("inscriptions/<int:enrolment_pk>/modifier/", edits.enrolment_edit, name="enrolment_edit"),
    path(
        "inscriptions/<int:enrolment_pk>/abandon/",
        edits.enrolment_withdraw,
        name="enrolment_withdraw",
    ),
    path(
        "candidats/<int:candidate_pk>/export/",
        candidates.candidate_export_view,
        name="candidate_export",
    ),
    path(
        "candidats/<int:candidate_pk>/inscription/",
        candidates.enrolment_create,
        name="enrolment_create",
    ),
    path(
        "inscriptions/<int:enrolment_pk>/positionnement/",
        enrolments.positioning,
        name="positioning",
    ),
    path(
        "inscriptions/<int:enrolment_pk>/stage/",
        enrolments.placement,
        name="placement",
    ),
    path(
        "inscriptions/<int:enrolment_pk>/accompagnement/",
        enrolments.accompaniment,
        name="accompaniment",
    ),
    path(
        "inscriptions/<int:enrolment_pk>/equivalence/", enrolments.equivalence, name="equivalence"
    ),
    path(
        "inscriptions/<int:enrolment_pk>/evaluations/<int:modality_pk>/",
        enrolments.score,
        name="score",
    ),
    path("inscriptions/<int:enrolment_pk>/documents/", enrolments.document, name="document"),
    path("inscriptions/<int:enrolment_pk>/plan/", enrolments.plan_session, name="plan"),
    path("inscriptions/<int:enrolment_pk>/financement/", followup.funding, name="funding"),
    path("inscriptions/<int:enrolment_pk>/epreuves/", followup.schedule, name="schedule"),
    path(
        "inscriptions/<int:enrolment_pk>/epreuves.ics", followup.enrolment_ics, name="enrolment_ics"
    ),
    path("epreuves.ics", followup.organisation_ics, name="evaluations_ics"),
    path("inscriptions/<int:enrolment_pk>/enquetes/", followup.survey, name="survey"),
    path(
        "inscriptions/<int:enrolment_pk>/correspondance/<int:former_pk>/",
        followup.carry_over,
        name="carry_over",
    ),
    path(
        "inscriptions/<int:enrolment_pk>/documents/<int:document_pk>/",
        followup.document_download,
        name="document_download",
    ),
    path(
        "inscriptions/<int:enrolment_pk>/equivalences/<int:equivalence_pk>/attestation/",
        followup.equivalence_download,
        name="equivalence_download",
    ),
    path("inscriptions/<int:enrolment_pk>/certifier/", enrolments.award, name="award"),
    path(
        "inscriptions/<int:enrolment_pk>/blocs/<int:block_pk>/attestation/",
        enrolments.attestation,
        name="attestation",
    ),
    path(
        "inscriptions/<int:enrolment_pk>/certificats/<int:certificate_pk>.pdf",
        enrolments.certificate_pdf,
        name="certificate_pdf",
    ),
    path("groupes/", groups.group_list, name="groups"),
    path("groupes/<int:group_pk>/", groups.group_detail, name="group"),
    path("groupes/<int:group_pk>/candidats/", groups.group_add, name="group_add"),
    path("jurys/", juries.jury_list, name="juries"),
    path("jurys/<int:jury_pk>/", juries.jury_detail, name="jury"),
    path("jurys/<int:jury_pk>/candidats/", juries.jury_candidates, name="jury_candidates"),
    path("jurys/<int:jury_pk>/composition/", juries.jury_constitute, name="jury_constitute"),
    path(
        "jurys/<int:jury_pk>/candidats/<int:enrolment_pk>/",
        juries.jury_deliberate,
        name="jury_deliberate",
    ),
    path("jurys/<int:jury_pk>/signature/", juries.jury_sign, name="jury_sign"),
    path("jurys/<int:jury_pk>/proces-verbal.pdf", juries.jury_minutes, name="jury_minutes"),
]
