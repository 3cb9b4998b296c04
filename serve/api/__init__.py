"""The classification microservice: FastAPI app, micro-batching, metrics, limits, a web page."""
