"""Public validation endpoints for integrators' forms."""

from ninja import Router, Schema

from .validators import check_citizen_id, check_uscc

router = Router(tags=["validate"])


class VerdictOut(Schema):
    valid: bool
    reason: str | None = None
    code: str | None = None


@router.get("validate/citizen-id/{id_number}", response=VerdictOut, auth=None)
def validate_citizen_id(request, id_number: str):
    """Is this a well-formed citizen ID number (GB 11643-1999)? Says nothing about who holds it."""
    return check_citizen_id(id_number).as_dict()


@router.get("validate/uscc/{code}", response=VerdictOut, auth=None)
def validate_uscc(request, code: str):
    """Is this a well-formed unified social credit code (GB 32100-2015)?"""
    return check_uscc(code).as_dict()
