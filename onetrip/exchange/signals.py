"""Plumbing: any saved or deleted grant (services, the shell, the admin) makes every process
read its client's grants on the dataset again once the change commits (grantcache)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import grantcache
from .models import Grant


@receiver(post_save, sender=Grant, dispatch_uid="exchange.grant_saved")
@receiver(post_delete, sender=Grant, dispatch_uid="exchange.grant_deleted")
def grant_changed(sender, instance, **kwargs):
    grantcache.forget_on_commit(instance.client_id, instance.dataset_id)
