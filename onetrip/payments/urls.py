from django.urls import path

from . import views

app_name = "payments"
urlpatterns = [
    path("me/payments/", views.my_payments, name="list"),
    path("me/payments/<uuid:public_id>/", views.order_detail, name="detail"),
    path("me/payments/<uuid:public_id>/pay/", views.order_pay, name="pay"),
    path("pay/sandbox/<str:code>/", views.sandbox_cashier, name="sandbox"),
]
