from django.conf import settings


def site(request):
    return {
        "ONETRIP_REGION": settings.ONETRIP_REGION,
        "large_type": getattr(request, "large_type", False),
    }
