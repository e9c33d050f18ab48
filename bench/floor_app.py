"""The HTTP floor: a bare Flask view under the same gunicorn configuration as the dashboard."""

from flask import Flask, jsonify

app = Flask(__name__)
BODY = {"total_proveedores": 36, "total_pedidos": 117561, "proveedor_top": {"nombre": "x"}}


@app.get("/api/summary")
def summary():
    """Answer a constant body the size of a real summary."""
    return jsonify(BODY)


@app.get("/health")
def health():
    """Let the launcher see the server is up."""
    return jsonify({"status": "ok"})
