"""Property-based requests generated from the OpenAPI schema: no input makes the service fail."""

import hypothesis
import pytest
import schemathesis
from schemathesis.checks import not_a_server_error

from serve.api.deps import get_predictor
from serve.api.main import create_app
from serve.api.settings import Settings

# The schema is read at collection; the model is injected by the fixture below.
# (schemathesis.pytest.from_fixture would defer both, but fails under pytest 9: no `_nodeid`.)
app = create_app(Settings(model_dir=None, max_text_chars=300, max_batch_items=8, api_key="k"))
schema = schemathesis.openapi.from_asgi("/openapi.json", app)


@pytest.fixture(scope="module", autouse=True)
def tiny_predictor(tiny_model):
    from nlp import Predictor

    predictor = Predictor.load(tiny_model)
    app.dependency_overrides[get_predictor] = lambda: predictor
    yield
    app.dependency_overrides.clear()


@schema.parametrize()
@hypothesis.settings(
    max_examples=25, deadline=None, suppress_health_check=list(hypothesis.HealthCheck), database=None
)
def test_no_input_gives_a_server_error(case):
    case.call_and_validate(checks=[not_a_server_error], headers={"X-API-Key": "k"})
