"""One definition per label: the «¿qué es esto?» help of every KPI and chart of the pages.

A label means the same number on every page that shows it; where two figures differ they
carry different labels (e.g. «Proveedores activos» vs «Proveedores con pedidos» per month).
«Móviles» windows end at this minute ("now − 30 days → now"); «calendario» windows are whole
days (today included), as the Análisis filter and its presets pick them.
"""

from __future__ import annotations

HELP = {
    # Today (Inicio).
    "entregas_hoy": "Pedidos no cancelados, sin entrega registrada, que el proveedor debía "
    "entregar hoy.",
    "atrasados": "Pedidos no cancelados, sin entrega registrada, cuya entrega esperada ya "
    "pasó (días de atraso = hoy − fecha esperada).",
    "sin_stock": "Productos activos con stock 0 o menos que tienen un mínimo cargado (están "
    "en la lista de stock bajo).",
    "facturas_sin_procesar": "Facturas leídas que todavía no se procesaron (procesado = 0).",
    "pendientes": "Pedidos que no están entregados ni cancelados, de cualquier fecha.",
    "que_pedir": "Sugerencias de compra por proveedor según consumo y stock (página «Qué pedir»).",
    "stock_bajo": "Todos los productos activos con stock actual menor al mínimo, los que más "
    "faltan primero.",
    "entregas_lista": "Entregas de hoy y pedidos atrasados, los más atrasados primero.",
    # Last days (Inicio).
    "compras_30d": "Σ cantidad × precio unitario de los pedidos no cancelados de los 30 días "
    "de calendario hasta hoy inclusive; el cambio es contra los 30 días "
    "anteriores.",
    "pedidos_30d": "Pedidos hechos en los últimos 30 días móviles (desde esta hora hace 30 "
    "días), cancelados incluidos; el cambio es contra los 30 días anteriores.",
    "movimientos_7d": "Movimientos de stock de los últimos 7 días móviles (desde esta hora hace "
    "7 días), contra los 7 anteriores.",
    "proveedor_top": "Proveedor activo con más pedidos (cancelados incluidos) en los últimos "
    "30 días móviles.",
    "pedidos_semana": "Pedidos por semana de lunes a domingo, cancelados incluidos; la semana "
    "en curso está marcada como parcial.",
    "movimientos_dia": "Movimientos de stock por día de calendario y tipo.",
    "proveedores_top_30d": "Proveedores activos con más pedidos en los últimos 30 días móviles, "
    "cancelados incluidos.",
    # All-time totals (Inicio).
    "proveedores_activos": "Proveedores marcados como activos, tengan o no pedidos.",
    "pedidos_total": "Pedidos con al menos una línea, de todas las fechas y estados "
    "(cancelados incluidos).",
    "unidades_total": "Unidades de todas las líneas de pedido de todas las fechas "
    "(cancelados incluidos).",
    "movimientos_total": "Movimientos de stock de todas las fechas (entradas, salidas y ajustes).",
    "facturas_procesadas": "Facturas leídas ya procesadas (procesado = 1), de todas las fechas.",
    # Análisis.
    "productos_top": "Unidades pedidas por producto en el período y proveedor elegidos, "
    "cancelados incluidos.",
    "tendencia": "Pedidos (cancelados incluidos) y proveedores con al menos un pedido en cada "
    "mes o semana; un período solo en parte dentro del filtro dice «parcial».",
    "movimientos_mes": "Movimientos de stock por mes (o semana) y tipo; un período solo en "
    "parte dentro del filtro dice «parcial».",
    "compras_mes": "Σ cantidad × precio unitario de los pedidos no cancelados, por mes (o "
    "semana); un período solo en parte dentro del filtro dice «parcial».",
    "compras_proveedor": "Σ cantidad × precio unitario de los pedidos no cancelados del "
    "período, por proveedor.",
    "estados": "Pedidos del período por estado; los cancelados se cuentan aparte y no suman "
    "en las compras en $.",
    "semanas_iso": "Pedidos por semana de lunes a domingo, cancelados incluidos; las semanas "
    "solo en parte dentro del filtro dicen «parcial».",
    "linea_stock": "Unidades movidas por día y tipo en el período y proveedor elegidos.",
    "stock_proveedor": "Entradas − salidas + ajustes de todas las fechas por proveedor activo; "
    "no sigue el filtro de fechas ni de proveedor.",
    # Proveedores.
    "tabla_proveedores": "Proveedores activos. Pedidos y unidades: todas las fechas, cancelados "
    "incluidos; 7/30 días: móviles; compras: 30 días de calendario hasta "
    "hoy, sin cancelados.",
    "pedidos_por_proveedor": "Pedidos de todas las fechas (cancelados incluidos) de los 15 "
    "proveedores con más pedidos.",
}
