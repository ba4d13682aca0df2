"""The inspections routes of the REST API, included under ``api/`` by the root URLconf."""

from kunqu_jiafu.api import AppRouter

from .api import register

router = AppRouter()
register(router)

urlpatterns = router.urls
