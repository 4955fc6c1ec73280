"""The django-q2 screens, for superusers only. A schedule's `func` is any importable function,
so whoever may add or change a schedule may run arbitrary code; finance staff must not even see
the screens. django-q2 registers its admin classes itself; they are replaced here by the same
classes with every permission narrowed to superusers."""
from django.contrib import admin
from django_q.models import Failure, OrmQ, Schedule, Success


class SuperuserOnlyMixin:
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request, *args, **kwargs):
        return self.has_module_permission(request) and super().has_add_permission(
            request, *args, **kwargs
        )

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_module_permission(request) and super().has_delete_permission(request, obj)


def restrict_to_superusers(site: admin.AdminSite, model) -> None:
    if not site.is_registered(model):
        return
    current = type(site.get_model_admin(model))
    site.unregister(model)
    restricted = type(f"SuperuserOnly{current.__name__}", (SuperuserOnlyMixin, current), {})
    site.register(model, restricted)


for task_model in (Schedule, Success, Failure, OrmQ):
    restrict_to_superusers(admin.site, task_model)
