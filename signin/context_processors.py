from signin.navigation import menu_for
from signin.second_factor import second_factor_required


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": [], "menu_waiting": []}
    if not user.is_verified() and second_factor_required(user):
        return {"menu": [], "menu_waiting": []}  # no menu until the second factor is enrolled and used
    menu = menu_for(user)
    return {"menu": menu, "menu_waiting": [item for item in menu if item["count"]]}
