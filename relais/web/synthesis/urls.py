from django.urls import path

from relais.web.synthesis import views

app_name = "synthesis"

# Mounted under "personnes/".
urlpatterns = [
    path("<int:pk>/syntheses/", views.report_list, name="list"),
    path("<int:pk>/syntheses/<int:report_id>/", views.report_detail, name="detail"),
    path("<int:pk>/syntheses/<int:report_id>/pdf/", views.report_pdf, name="pdf"),
    path("<int:pk>/syntheses/<int:report_id>/transmission/", views.report_sent, name="sent"),
]
