from rest_framework import permissions


class ReadOnlyOrStaffWrite(permissions.DjangoModelPermissions):
    """Anyone reads (published data; the viewsets decide what is visible). Writes need a staff
    account with the model's add/change permission; publishing checks more in the services."""

    message = "Writing needs a staff account with permission to change this kind of content."

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        if request.method not in self.perms_map or not hasattr(view, "get_queryset"):
            return True  # nothing here accepts this method: the view answers 405
        user = request.user
        if not (user and user.is_authenticated and user.is_staff):
            return False
        return super().has_permission(request, view)
