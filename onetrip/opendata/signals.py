"""Plumbing: a published dataset deleted with its catalogue dataset (cascade) leaves the text
index and changes the catalogue version, in the deleting transaction, like a closure at sync."""

from django.db.models.signals import post_delete
from django.dispatch import receiver

from . import services, textindex
from .models import OpenDataset


@receiver(post_delete, sender=OpenDataset, dispatch_uid="opendata.open_dataset_deleted")
def open_dataset_deleted(sender, instance, **kwargs):
    textindex.delete([instance.pk])
    services.portal_changed()
