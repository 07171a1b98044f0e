from django.urls import path

from . import views

app_name = "licences"
urlpatterns = [
    path("licences/verify/<str:number>/", views.verify_page, name="verify"),
    path("licences/shared/<str:token>/", views.shared, name="shared"),
    path("licences/<str:number>/pdf", views.licence_pdf, name="pdf"),
    path("wallet/", views.wallet, name="wallet"),
    path("wallet/<str:number>/", views.wallet_detail, name="detail"),
    path("wallet/<str:number>/share", views.wallet_share, name="share"),
]
