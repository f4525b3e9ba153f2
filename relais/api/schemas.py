from datetime import datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from ninja import Schema
from pydantic import Field, field_validator


class ErrorOut(Schema):
    detail: str


class OrganisationOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    siret: str
    commune_code: str


class MembershipOut(Schema):
    organisation: OrganisationOut
    role: str
    role_label: str


class MeOut(Schema):
    id: int
    email: str
    first_name: str
    last_name: str
    memberships: list[MembershipOut]


class MemberOut(Schema):
    user_id: int
    email: str
    first_name: str
    last_name: str
    role: str
    is_active: bool


class InvitationIn(Schema):
    email: str = Field(max_length=254)
    role: str = Field(
        pattern=r"^(referent|manager|staff)$", description="referent, manager ou staff"
    )

    @field_validator("email")
    @classmethod
    def check_email(cls, value: str) -> str:
        value = value.strip()
        try:
            validate_email(value)
        except DjangoValidationError as error:
            raise ValueError("adresse e-mail invalide") from error
        return value.lower()


class InvitationOut(Schema):
    id: int
    email: str
    role: str
    expires_at: datetime
