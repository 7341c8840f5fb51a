from .region import get_region


def region(request):
    return {"osv_region": get_region()}
