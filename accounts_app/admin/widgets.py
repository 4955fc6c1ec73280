"""An autocomplete widget that survives any posted value."""
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError


class KeyBoundedAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete, re-showing a refused form, looks the posted value up as a key: one
    the key column cannot hold ("99999999999999999999") makes SQLite raise OverflowError and
    PostgreSQL an out-of-range error, a server error instead of the form's own "Select a valid
    choice". Such a value matches no row, so it is dropped before the lookup."""

    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, [choice for choice in value if self._is_key(choice)], attr)

    def _is_key(self, choice) -> bool:
        remote = self.field.remote_field
        key = remote.model._meta.get_field(remote.field_name)
        try:
            key.run_validators(key.to_python(choice))
        except (ValidationError, TypeError, ValueError):
            return False
        return True


class KeyBoundedAutocompleteMixin:
    """For a ModelAdmin or an inline: its autocomplete fields use KeyBoundedAutocompleteSelect."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = KeyBoundedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
