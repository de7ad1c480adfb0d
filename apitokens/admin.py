"""API tokens in the admin, for superusers and whoever has ``apitokens.manage_apitoken``:
issue a token for an account (its key is shown once, on the page that answers the form, and
never again), list tokens with their state, revoke them with an action. Nothing is edited:
a token's account, name and expiry stay as issued; a changed need is a new token."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import APIToken, TokenState

PERMISSION = "apitokens.manage_apitoken"
# Classes of static/css/admin.css (the Content-Security-Policy allows no inline style).
STATE_CLASSES = {
    TokenState.ACTIVE: "ca-ok",
    TokenState.EXPIRED: "ca-muted",
    TokenState.REVOKED: "ca-bad",
}


class IssueTokenForm(forms.ModelForm):
    class Meta:
        model = APIToken
        fields = ["user", "name", "expires"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "user" not in self.fields:
            return  # a token's own page: everything read-only
        self.fields["user"].queryset = get_user_model().objects.filter(is_active=True)
        self.fields["user"].help_text = _(
            "The account the token signs in as: for a partner, an account that is not staff "
            "and in no group (create it in Users first)."
        )
        # A token without an end only where the operator allowed it (API_TOKEN_DAYS=none).
        self.fields["expires"].required = settings.API_TOKEN_DAYS is not None

    def clean_expires(self):
        expires = self.cleaned_data["expires"]
        if expires is not None and expires <= timezone.now():
            raise forms.ValidationError(_("The expiry must be in the future."))
        return expires


class StateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return TokenState.choices

    def queryset(self, request, queryset):
        if self.value() == TokenState.ACTIVE:
            return queryset.active()
        if self.value() == TokenState.EXPIRED:
            return queryset.expired()
        if self.value() == TokenState.REVOKED:
            return queryset.revoked()
        return queryset


@admin.register(APIToken)
class APITokenAdmin(admin.ModelAdmin):
    form = IssueTokenForm
    list_display = [
        "prefix_display",
        "name",
        "user",
        "created",
        "expires",
        "last_used",
        "state_badge",
        "issued_by",
    ]
    list_filter = [StateFilter, "created"]
    list_select_related = ["user", "issued_by"]
    search_fields = ["prefix", "name", "user__username", "user__email"]
    actions = ["revoke"]
    VIEW_FIELDS = [
        "prefix_display",
        "name",
        "user",
        "state_badge",
        "created",
        "expires",
        "last_used",
        "issued_by",
        "revoked_at",
        "revoked_by",
    ]

    # -- who may ---------------------------------------------------------------------------

    def has_manage_permission(self, request) -> bool:
        return request.user.is_active and request.user.has_perm(PERMISSION)

    def has_module_permission(self, request):
        return self.has_manage_permission(request)

    def has_view_permission(self, request, obj=None):
        return self.has_manage_permission(request)

    def has_add_permission(self, request):
        return self.has_manage_permission(request)

    def has_change_permission(self, request, obj=None):
        return False  # issued as it stays; revoked with the action

    def has_delete_permission(self, request, obj=None):
        # Revoking keeps the record; only a superuser deletes one (or an account with its
        # tokens).
        return request.user.is_active and request.user.is_superuser

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    # -- pages -----------------------------------------------------------------------------

    def get_fields(self, request, obj=None):
        return self.VIEW_FIELDS if obj is not None else ["user", "name", "expires"]

    def get_readonly_fields(self, request, obj=None):
        return self.VIEW_FIELDS if obj is not None else []

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        return {"expires": services.default_expiry(), **initial}

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "show_save_and_add_another": False,
            "show_save_and_continue": False,
        }
        return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if change:
            raise PermissionDenied
        issued, key = services.token_issue(
            user=obj.user, name=obj.name, expires=obj.expires, issued_by=request.user
        )
        # The admin goes on with the object its form built (history, the answer page).
        for field in APIToken._meta.concrete_fields:
            setattr(obj, field.attname, getattr(issued, field.attname))
        obj._state.adding, obj._state.db = False, issued._state.db
        obj.issued_key = key

    def response_add(self, request, obj, post_url_continue=None):
        """The one page that shows the key: the answer to the form, never stored by a browser
        or a proxy, and nothing that could show it again."""
        context = {
            **self.admin_site.each_context(request),
            "title": _("Token issued"),
            "opts": self.opts,
            "token": obj,
            "key": obj.issued_key,
        }
        response = TemplateResponse(request, "admin/apitokens/apitoken/issued.html", context)
        add_never_cache_headers(response)
        return response

    # -- columns ---------------------------------------------------------------------------

    @admin.display(description=_("key"), ordering="prefix")
    def prefix_display(self, token):
        return f"{token.prefix}…"

    @admin.display(description=_("state"))
    def state_badge(self, token):
        state = token.state()
        return format_html('<span class="{}">{}</span>', STATE_CLASSES[state], state.label)

    # -- actions ---------------------------------------------------------------------------

    @admin.action(description=_("Revoke selected tokens"), permissions=["manage"])
    def revoke(self, request, queryset):
        revoked = services.tokens_revoke(tokens=queryset, by=request.user)
        for token in revoked:
            self.log_change(request, token, "Revoked.")
        message = ngettext(
            "%(count)d token revoked: it is refused from now on.",
            "%(count)d tokens revoked: they are refused from now on.",
            len(revoked),
        ) % {"count": len(revoked)}
        already = queryset.count() - len(revoked)
        if already:
            message += " " + ngettext(
                "%(count)d was revoked already.", "%(count)d were revoked already.", already
            ) % {"count": already}
        self.message_user(request, message, messages.SUCCESS)
