"""Fields that several metrics publish with the same meaning: declared once, reused."""

from __future__ import annotations

from ..metric import DAY, INT, MONTH, NULLABLE_MONEY, NULLABLE_TEXT, TEXT, Field

CODIGO = Field("codigo", TEXT, "Código del proveedor.")
NOMBRE = Field("nombre", TEXT, "Nombre del proveedor.")
PROVIDER = (CODIGO, NOMBRE)
PRODUCTO_ID = Field("producto_id", INT, "Id del producto.")
PRODUCTO = Field("producto", TEXT, "Nombre del producto.")
PROVEEDOR_NOMBRE = Field("proveedor", NULLABLE_TEXT, "Nombre de su proveedor (activo o no).")
STOCK = (Field("stock_actual", INT, "Stock actual."), Field("stock_minimo", INT, "Stock mínimo."))
MES = Field("mes", MONTH, "Mes calendario, AAAA-MM.")
DIA = Field("fecha", DAY, "Día.")
TIPO = Field("tipo", TEXT, "Tipo de movimiento (entrada, salida, ajuste…).")
UNIDADES_MOVIDAS = Field("productos", INT, "Unidades movidas.")
PRECIOS = (
    Field("precio_compra", NULLABLE_MONEY, "Precio de compra en pesos."),
    Field("precio_venta", NULLABLE_MONEY, "Precio de venta en pesos."),
)
