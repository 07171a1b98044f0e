"""Reads of in-app notifications: a user sees only their own."""

from .models import Notification


def notification_list(*, user, limit: int = 50):
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")[:limit]


def notification_unread_count(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
