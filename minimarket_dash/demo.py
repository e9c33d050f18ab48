"""Deterministic demo data: two years of providers, orders, stock movements and OCR invoices.

Everything is generated with vectorised numpy arrays (never a Python loop per order line) and
loaded through the raw DBAPI connection: `executemany` in one transaction on SQLite, `COPY` on
PostgreSQL. The same seed, `today` and `lines` always give the same rows on both databases.
"""

from __future__ import annotations

import json
import sys
import time
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import SQLAlchemyError
from tqdm import tqdm

from .config import sqlite_path
from .db import create_schema, missing_schema
from .summaries import SUMMARY_TABLES, mm_estado

Columns = dict[str, np.ndarray]

TABLE_ORDER = (
    "proveedores",
    "categorias",
    "productos",
    "pedidos",
    "detalle_pedidos",
    "movimientos_stock",
    "facturas_ocr",
)
ESTADOS = np.array(["pendiente", "enviado", "recibido", "cancelado"], dtype=object)
TIPOS = np.array(["entrada", "salida", "ajuste"], dtype=object)
HISTORY_DAYS = 730
SQLITE_BATCH = 50_000
COPY_BATCH = 100_000

# --------------------------------------------------------------------------------------------
# Catalogue: providers (name, categories, active) and categories (name, description, target
# product count, default brands, items). An item is "name; base price; sizes[; brands[; variants]]"
# where lists are separated by "/" and the base price (ARS) is that of the first size.
# --------------------------------------------------------------------------------------------

PROVIDERS: tuple[tuple[str, str, bool], ...] = (
    ("Distribuidora Lácteos del Sur", "Lácteos", True),
    ("Bebidas Patagónicas S.A.", "Bebidas", True),
    ("Almacén Mayorista Río de la Plata S.R.L.", "Almacén/Golosinas", True),
    ("Frigorífico y Fiambres Don Mateo", "Fiambrería", True),
    ("Panificadora La Espiga Dorada", "Panadería", True),
    ("Congelados del Litoral S.A.", "Congelados", True),
    ("Limpieza Total Distribuciones", "Limpieza", True),
    ("Perfumería Mayorista Belgrano", "Perfumería", True),
    ("Golosinas y Kioscos El Trébol", "Golosinas/Snacks", True),
    ("Snacks & Copetín Rosario", "Snacks", True),
    ("Verdulería Mayorista Mercado Central", "Verdulería", True),
    ("Mascotas Felices Distribuidora", "Mascotas", True),
    ("Lácteos Cuenca del Salado S.A.", "Lácteos", True),
    ("Bodegas y Bebidas Cuyo S.R.L.", "Bebidas", True),
    ("Distribuidora Norte Grande", "Almacén/Bebidas", True),
    ('Cooperativa "La Unión" Ltda.', "Almacén/Lácteos", True),
    ("Martínez, Hijos y Cía.", "Almacén/Limpieza", True),
    ("Aguas y Gaseosas del Comahue", "Bebidas", True),
    ("Distribuidora San Cayetano", "Almacén/Perfumería/Limpieza", True),
    ("Quesos y Fiambres Tandil S.A.", "Fiambrería/Lácteos", True),
    ("Panadería Industrial Córdoba", "Panadería", True),
    ("Helados y Congelados Mar del Plata", "Congelados", True),
    ("Química Higiene Quilmes S.R.L.", "Limpieza", True),
    ("Cosmética Avellaneda", "Perfumería", True),
    ("Dulces Tucumanos S.A.", "Golosinas", True),
    ("Frutas y Hortalizas del Valle de Uco", "Verdulería", True),
    ("Alimentos Balanceados Pampa", "Mascotas", True),
    ("Mayorista Oeste Morón", "Almacén/Snacks/Bebidas", True),
    ("Distribuidora Misiones Yerbatera", "Almacén", True),
    ("Cervecería Artesanal Bariloche", "Bebidas", False),
    ("Embutidos Colonia Caroya", "Fiambrería", False),
    ("Granja Avícola Entre Ríos", "Congelados/Lácteos", True),
    ("Distribuidora Ñandú S.R.L.", "Almacén/Golosinas", True),
    ("Logística Mendoza Express", "Bebidas/Almacén", True),
    ("Papeleras y Descartables Lanús", "Limpieza", False),
    ("Farmacia y Perfumería del Centro", "Perfumería", True),
    ("Chocolatería Patagonia Austral", "Golosinas", True),
    ("Tostadero Salteño de Maní", "Snacks", True),
    ("Verduras Orgánicas San Pedro", "Verdulería", False),
    ("Distribuidora Güemes Hnos.", "Almacén/Mascotas", True),
)

CATEGORIES: tuple[tuple[str, str, int, str, tuple[str, ...]], ...] = (
    (
        "Lácteos",
        "Leches, yogures, quesos, manteca y postres refrigerados",
        280,
        "La Serenísima/SanCor/Milkaut/Ilolay/Tregar/Verónica/La Paulina/Manfrey",
        (
            "Leche; 900; 500 ml/1 L; ; entera/descremada/chocolatada/deslactosada",
            "Yogur bebible; 950; 200 g/900 g; ; frutilla/vainilla/durazno",
            "Yogur firme; 700; 125 g/190 g; ; frutilla/vainilla/natural",
            "Queso cremoso; 5200; 500 g/1 kg",
            "Queso rallado; 1800; 40 g/150 g",
            "Queso untable; 1900; 190 g/290 g; ; clásico/light",
            "Manteca; 1700; 100 g/200 g",
            "Crema de leche; 1400; 200 ml/350 ml",
            "Dulce de leche; 1900; 250 g/400 g/1 kg; ; clásico/repostero",
            "Postre; 800; 120 g; ; de chocolate/de vainilla/de dulce de leche",
            "Ricota; 1600; 250 g/500 g",
        ),
    ),
    (
        "Bebidas",
        "Gaseosas, aguas, jugos, cervezas, vinos y aperitivos",
        270,
        "Coca-Cola/Pepsi/Manaos/Cunnington/Secco",
        (
            "Gaseosa; 1300; 500 ml/1.5 L/2.25 L; ; cola/lima limón/naranja/pomelo",
            "Agua mineral; 800; 500 ml/1.5 L/2 L; Villavicencio/Glaciar/Eco de los Andes/"
            "Villa del Sur/Kin; sin gas/con gas",
            "Agua saborizada; 1100; 500 ml/1.5 L; Levité/Aquarius/Ser/Villa del Sur; "
            "pomelo/manzana/naranja/limonada",
            "Jugo; 1200; 1 L/1.5 L; Cepita/Baggio/Citric/Ades; "
            "de naranja/multifruta/de durazno/de manzana",
            "Cerveza; 1300; 473 ml/710 ml/1 L; Quilmes/Brahma/Stella Artois/Patagonia/Andes/"
            "Imperial/Schneider; rubia/negra/roja/IPA",
            "Vino tinto; 4500; 750 ml; Alamos/Trapiche/Santa Julia/Norton/Toro/Latitud 33/"
            "Benjamín Nieto; Malbec/Cabernet Sauvignon/Bonarda",
            "Vino blanco; 4200; 750 ml; Alamos/Trapiche/Santa Julia/Norton/Toro/Latitud 33/"
            "Benjamín Nieto; Torrontés/Chardonnay/Sauvignon Blanc",
            "Bebida isotónica; 1500; 500 ml/1 L; Gatorade/Powerade; "
            "naranja/manzana/frutas tropicales",
            "Bebida energizante; 1800; 250 ml/473 ml; Speed/Monster/Red Bull",
            "Fernet; 11000; 750 ml/1 L; Branca/1882/Buhero",
            "Soda; 900; 1.5 L/2 L; Ivess/Villavicencio/Manaos",
        ),
    ),
    (
        "Almacén",
        "Secos, pastas, arroces, aceites, infusiones, conservas y aderezos",
        330,
        "Marolio/Arcor/Molinos",
        (
            "Fideos; 900; 500 g/1 kg; Lucchetti/Matarazzo/Don Vicente/Marolio/Knorr/Favorita; "
            "spaghetti/tirabuzón/mostachol/moñito/fideo corto",
            "Arroz; 1100; 500 g/1 kg; Gallo/Molinos Ala/Marolio/Lucchetti/Dos Hermanos; "
            "largo fino/parboil/integral/doble carolina",
            "Harina; 750; 1 kg; Pureza/Blancaflor/Favorita/Cañuelas/Marolio; 000/0000/leudante",
            "Aceite; 2500; 900 ml/1.5 L; Natura/Cocinero/Cañuelas/Marolio/Legítimo; "
            "de girasol/mezcla",
            "Aceite de oliva; 7000; 250 ml/500 ml; Nucete/Cocinero/Lira/Zuelo; extra virgen",
            "Azúcar; 1000; 1 kg; Ledesma/Chango/Marolio/Dominó; común/mascabo",
            "Yerba mate; 2800; 500 g/1 kg; Taragüí/Playadito/Rosamonte/La Merced/Unión/Amanda/"
            "Cruz de Malta; con palo/suave",
            "Café; 4500; 250 g/500 g; La Virginia/Cabrales/Bonafide/La Morenita; "
            "molido/en grano/torrado",
            "Té; 900; 25 u/50 u; La Virginia/Green Hills/Taragüí/Crysf; negro/verde/de manzanilla",
            "Mayonesa; 1500; 237 g/500 g; Hellmann's/Natura/Fanacoa/Marolio; clásica/light",
            "Kétchup; 1300; 250 g/500 g; Hellmann's/Natura/Fanacoa/Marolio",
            "Mostaza; 1000; 250 g; Savora/Natura/Fanacoa",
            "Puré de tomate; 700; 520 g/1 kg; Arcor/Marolio/La Campagnola/Canale/Noel",
            "Atún; 2300; 170 g; La Campagnola/Gomes da Costa/Marolio/Cuisine & Co; "
            "al natural/en aceite",
            "Arvejas en lata; 800; 300 g; Arcor/La Campagnola/Marolio/Noel",
            "Polenta; 900; 500 g/1 kg; Presto Pronta/Marolio/Quaker",
            "Galletitas; 900; 150 g/300 g; Criollitas/Traviata/Express/Granix/Marolio; "
            "de agua/de salvado",
            "Sal; 600; 500 g/1 kg; Celusal/Dos Anclas/Marolio; fina/gruesa",
            "Vinagre; 700; 500 ml/1 L; Menoyo/Marolio/Alcázar; de alcohol/de manzana",
            "Caldo; 700; 6 u/12 u; Knorr/Maggi/Marolio; de verdura/de gallina/de carne",
            "Sopa instantánea; 900; 65 g; Knorr/Maggi/Quick; de arvejas/de pollo/de verduras",
            "Mermelada; 1500; 390 g; Arcor/BC/Emeth/Noel; "
            "de durazno/de frutilla/de damasco/de ciruela",
            "Lentejas; 1300; 400 g; Marolio/Cuisine & Co/Dos Hermanos",
            "Avena; 1200; 400 g; Quaker/Granix/Marolio; arrollada/instantánea",
            "Aceitunas; 1800; 150 g/330 g; Nucete/Cuisine & Co/Marolio; verdes/negras",
        ),
    ),
    (
        "Limpieza",
        "Artículos de limpieza del hogar, lavado de ropa y papelería",
        170,
        "Magistral/Cif/Ala/Marolio/Zorro",
        (
            "Lavandina; 900; 1 L/2 L; Ayudín/Querubín/Odex/Marolio; común/en gel",
            "Detergente; 1100; 300 ml/500 ml/750 ml; ; limón/original/aloe vera",
            "Jabón en polvo; 3500; 800 g/3 kg; Skip/Ala/Ariel/Drive/Zorro; "
            "matic/para lavado a mano",
            "Jabón líquido para ropa; 5000; 800 ml/3 L; Skip/Ala/Ariel/Drive",
            "Suavizante; 2200; 900 ml/3 L; Vivere/Comfort/Downy/Felicia; clásico/concentrado",
            "Limpiador líquido; 1300; 900 ml/1.8 L; Procenex/Poett/Cif/Mr. Músculo; "
            "lavanda/bebé/floral/pino/marina",
            "Desodorante de ambiente; 2000; 360 ml; Glade/Poett/Lysoform/Saphirus; "
            "lavanda/jazmín/vainilla/cítrico",
            "Esponja; 500; 1 u/3 u; Mortimer/Scotch-Brite/Virulana; multiuso/de acero",
            "Papel higiénico; 2500; 4 u/12 u; Higienol/Elite/Campanita/Felpita; "
            "hoja simple/hoja doble",
            "Rollo de cocina; 1600; 3 u; Sussex/Elite/Campanita/Felpita",
            "Bolsas de residuos; 1200; 10 u/30 u; Bolsafil/Neopack/Marolio; 45x60/60x90",
            "Insecticida; 3800; 360 ml; Raid/Fuyi/Off; mata moscas/mata cucarachas",
        ),
    ),
    (
        "Perfumería",
        "Higiene personal, cuidado capilar, cosmética y pañales",
        200,
        "Sedal/Pantene/Dove/Elvive/Plusbelle",
        (
            "Shampoo; 2800; 200 ml/400 ml; Sedal/Pantene/Dove/Head & Shoulders/Elvive/Plusbelle; "
            "hidratación/anticaspa/rulos/liso perfecto",
            "Acondicionador; 2800; 200 ml/400 ml; ; hidratación/rulos/reparación",
            "Jabón de tocador; 700; 90 g/3 u; Dove/Rexona/Lux/Plusbelle/Palmolive; "
            "original/avena/karité",
            "Desodorante; 2600; 150 ml; Rexona/Axe/Dove/Nivea; aerosol/roll-on/barra",
            "Pasta dental; 1500; 90 g/180 g; Colgate/Odol/Oral-B/Kolynos; "
            "triple acción/blanqueadora/sensitive",
            "Cepillo dental; 1200; 1 u/2 u; Colgate/Oral-B/Kolynos; suave/medio",
            "Crema corporal; 3500; 200 ml/400 ml; Nivea/Dove/Hinds/Plusbelle; hidratante/nutritiva",
            "Toallitas femeninas; 1800; 8 u/16 u; Always/Kotex/Lady Soft/Nosotras; "
            "con alas/nocturnas",
            "Pañales; 12000; talle M/talle G/talle XG; Pampers/Huggies/Babysec/Estrella; "
            "confort/premium",
            "Máquina de afeitar; 1500; 2 u/4 u; Gillette/Bic/Schick",
            "Alcohol en gel; 1500; 250 ml/500 ml; Espadol/Algabo/Porta",
            "Protector solar; 9000; 120 ml/200 ml; Dermaglós/Nivea/Rayito de Sol; FPS 30/FPS 50",
        ),
    ),
    (
        "Golosinas",
        "Alfajores, chocolates, caramelos, chicles y golosinas de kiosco",
        180,
        "Arcor/Felfort/Georgalos",
        (
            "Alfajor; 600; 1 u/6 u; Havanna/Guaymallén/Jorgito/Fantoche/Cachafaz/Milka/Terrabusi/"
            "Capitán del Espacio; de chocolate/de dulce de leche/triple/blanco",
            "Chocolate; 1800; 25 g/100 g/150 g; Milka/Cofler/Águila/Felfort; "
            "con leche/amargo/con almendras",
            "Caramelos; 900; 150 g/400 g; Arcor/Sugus/Billiken/Flynn Paff; "
            "masticables/duros/de miel",
            "Chicles; 450; 1 u/12 u; Beldent/Topline/Bazooka; menta/frutilla/tutti frutti",
            "Chupetín; 300; 1 u/24 u; Pico Dulce/Mr. Pop's/Topline; frutilla/cereza",
            "Bombones; 3500; 8 u/16 u; Bon o Bon/Ferrero Rocher/Cofler; surtidos/blancos",
            "Turrón; 500; 25 g/90 g; Arcor/Georgalos/Misky; de maní/de almendras",
            "Gomitas; 900; 80 g/200 g; Mogul/Fini/Billiken; ositos/frutales/ácidas",
            "Obleas; 700; 100 g; Bon o Bon/Tatín/Opera; de chocolate/de frutilla",
            "Barra de cereal; 500; 1 u/6 u; Cereal Mix/Felices las Vacas/Granix; "
            "frutilla/chocolate/manzana",
        ),
    ),
    (
        "Snacks",
        "Papas fritas, maníes, palitos, galletitas y copetín",
        110,
        "Pehuamar/Krachitos/Marolio",
        (
            "Papas fritas; 1800; 80 g/150 g/300 g; Lay's/Pehuamar/Krachitos/Marolio; "
            "clásicas/onduladas/sabor jamón",
            "Palitos salados; 900; 100 g/200 g",
            "Maní salado; 1100; 120 g/350 g; Pehuamar/Krachitos/Marolio/Gallo; pelado/con cáscara",
            "Chizitos; 900; 75 g/150 g; Pehuamar/Krachitos/Cheetos",
            "Nachos; 1700; 120 g/250 g; Doritos/Krachitos/Pehuamar; queso/picantes/naturales",
            "Mix de frutos secos; 3500; 100 g/200 g; Pehuamar/Cuisine & Co/Nature Mix; "
            "tropical/salado",
            "Tutucas; 800; 100 g; Pehuamar/Krachitos",
            "Galletitas dulces; 900; 118 g/300 g; Terrabusi/Bagley/Arcor/Marolio/Toddy; "
            "de chocolate/de vainilla/rellenas",
            "Bizcochos de grasa; 700; 200 g; Don Satur/9 de Oro/Marolio; clásicos/agridulces",
            "Galletas de arroz; 900; 100 g/150 g; Gallo/Dos Hermanos/Okebón; sin sal/con sal",
        ),
    ),
    (
        "Congelados",
        "Hamburguesas, rebozados, helados, pizzas y vegetales congelados",
        130,
        "Paty/Swift/Granja del Sol",
        (
            "Hamburguesas; 3500; 4 u/12 u; Paty/Swift/Granja del Sol/Cuisine & Co; "
            "clásicas/de pollo/de carne premium",
            "Medallones de pollo; 3200; 4 u/8 u; Granja del Sol/Sadia/La Granjera; "
            "rebozados/de espinaca",
            "Nuggets de pollo; 3500; 300 g/1 kg; Granja del Sol/Sadia/Swift",
            "Papas prefritas; 2800; 700 g/2 kg; McCain/Granja del Sol/Lamb Weston; "
            "bastón/noisette/caritas",
            "Helado; 4500; 1 kg/1.5 kg; Frigor/Grido/Lucciano's/Arcor; "
            "de chocolate/de dulce de leche/de frutilla/tramontana",
            "Pizza congelada; 3500; 1 u/2 u; Sibarita/La Salteña/Granja del Sol; "
            "muzzarella/napolitana/jamón y morrones",
            "Empanadas congeladas; 4000; 6 u/12 u; La Salteña/Granja del Sol/Swift; "
            "de carne/de jamón y queso/de pollo",
            "Vegetales congelados; 1800; 300 g/1 kg; McCain/Granja del Sol/Bonduelle; "
            "espinaca/choclo/mix primavera/brócoli",
        ),
    ),
    (
        "Fiambrería",
        "Fiambres, embutidos, quesos de máquina y salchichas",
        110,
        "Paladini/Cagnoli/Bocatti/Calchaquí/La Piamontesa",
        (
            "Jamón cocido; 2500; 100 g/200 g/1 kg; ; feteado/natural",
            "Jamón crudo; 4500; 100 g/200 g",
            "Salame; 3200; 200 g/500 g; Paladini/Cagnoli/La Piamontesa/Calchaquí; "
            "milán/tandilero/picado grueso",
            "Mortadela; 1800; 200 g/1 kg; Paladini/Cagnoli/Bocatti/Calchaquí; con pistacho/clásica",
            "Queso; 3000; 200 g/1 kg; La Paulina/Tregar/Milkaut/Punta del Agua; "
            "tybo/gouda/danbo/pategrás",
            "Salchichas; 1500; 6 u/12 u; Paty/Swift/Vienissima/Calchaquí; clásicas/alemanas",
            "Bondiola; 5000; 100 g/200 g; Paladini/Cagnoli/La Piamontesa",
            "Paleta; 1800; 200 g/1 kg; Paladini/Bocatti/Calchaquí; cocida/ahumada",
        ),
    ),
    (
        "Panadería",
        "Panes envasados, tostadas, budines, tapas y prepizzas",
        80,
        "Bimbo/Fargo/Lactal",
        (
            "Pan lactal; 2200; 380 g/600 g; Bimbo/Fargo/Lactal/Veneziana; "
            "blanco/integral/multicereal",
            "Pan de hamburguesa; 1800; 4 u/8 u; ; clásico/con sésamo",
            "Pan de pancho; 1500; 6 u/12 u",
            "Tostadas; 1400; 200 g; Riera/Fargo/Bimbo; de arroz/clásicas/integrales",
            "Budín; 2000; 200 g/300 g; Bimbo/Fargo/Valente; de limón/de vainilla/marmolado",
            "Magdalenas; 1600; 6 u/12 u; Bimbo/Fargo/Valente; de vainilla/de chocolate",
            "Pan rallado; 900; 500 g/1 kg; Preferido/Mamá Cocina/Marolio",
            "Tapas para empanadas; 1200; 12 u/24 u; La Salteña/La Españolita/Mendia; "
            "de horno/para freír/criollas",
            "Prepizzas; 1800; 2 u/3 u; La Salteña/Mendia/Fargo",
        ),
    ),
    (
        "Verdulería",
        "Frutas y verduras frescas por kilo o por unidad",
        70,
        "Huerta del Valle/Granja Don José/Quinta San Pedro/Campo Verde",
        (
            "Tomate; 1800; 1 kg; ; redondo/perita/cherry",
            "Papa; 900; 1 kg/3 kg; ; blanca/negra/colorada",
            "Cebolla; 900; 1 kg/3 kg; ; blanca/morada",
            "Zanahoria; 800; 1 kg",
            "Lechuga; 1200; 1 u; ; criolla/mantecosa/morada",
            "Manzana; 1800; 1 kg; ; roja/verde",
            "Banana; 1500; 1 kg",
            "Naranja; 1200; 1 kg/3 kg; ; de jugo/de ombligo",
            "Limón; 1400; 1 kg",
            "Zapallo; 1000; 1 kg; ; anco/calabaza",
            "Acelga; 1000; 1 atado",
        ),
    ),
    (
        "Mascotas",
        "Alimentos balanceados, snacks y piedras sanitarias",
        70,
        "Dog Chow/Pedigree/Old Prince",
        (
            "Alimento para perros; 9000; 1.5 kg/3 kg/15 kg; Dog Chow/Pedigree/Eukanuba/"
            "Old Prince/Dogui; adultos/cachorros/razas pequeñas",
            "Alimento para gatos; 8000; 500 g/1.5 kg/7.5 kg; Cat Chow/Whiskas/Gatti/Excellent; "
            "adultos/gatitos",
            "Alimento húmedo para gatos; 1000; 85 g; Whiskas/Felix/Gatti; pescado/carne/pollo",
            "Piedras sanitarias; 2500; 2 kg/4 kg; Piedritas/Cat's Pride/Gatti",
            "Snacks para perros; 2000; 100 g/500 g; Pedigree/Dogui/Old Prince; huesitos/galletas",
        ),
    ),
)

FIRST_NAMES = tuple(
    "María Juan Lucía Carlos Sofía Martín Valeria Diego Camila Jorge Florencia Pablo Gabriela "
    "Ricardo Natalia Sebastián Paula Hernán Julieta Marcelo".split()
)
LAST_NAMES = tuple(
    "González Rodríguez Fernández López Martínez Pérez Gómez Díaz Sánchez Romero Sosa Álvarez "
    "Torres Ruiz Ramírez Benítez Acosta Medina Herrera Suárez".split()
)
# (city, phone area code, streets)
CITIES = (
    ("CABA", "11", ("Av. Corrientes", "Av. Rivadavia", "Av. Belgrano", "Av. Juan B. Justo")),
    ("Avellaneda", "11", ("Av. Mitre", "Av. Güemes", "Lacarra")),
    ("Córdoba", "351", ("Bv. San Juan", "Av. Colón", "Ituzaingó")),
    ("Rosario", "341", ("Bv. Oroño", "Av. Pellegrini", "San Martín")),
    ("Mendoza", "261", ("Av. San Martín", "Av. Las Heras", "Godoy Cruz")),
    ("Mar del Plata", "223", ("Av. Independencia", "Av. Colón", "Güemes")),
    ("Neuquén", "299", ("Av. Argentina", "Av. Olascoaga", "Sarmiento")),
    ("San Miguel de Tucumán", "381", ("Av. Mate de Luna", "24 de Septiembre", "Laprida")),
    ("Salta", "387", ("Av. Belgrano", "Caseros", "España")),
    ("La Plata", "221", ("Calle 7", "Calle 50", "Av. 13")),
)
USERS = np.array(
    ["admin", "deposito.central", "mlopez", "jgarcia", "cajero.centro", "sistema"], dtype=object
)
BRANCHES = np.array(
    [
        "Sucursal Centro",
        "Sucursal Palermo",
        "Sucursal Caballito",
        "Sucursal Belgrano",
        "Sucursal Flores",
    ],
    dtype=object,
)
PROVIDER_NAMES = np.array([name for name, _, _ in PROVIDERS], dtype=object)
PROVIDER_ACTIVE = np.array([active for _, _, active in PROVIDERS])
ORDER_NOTES = np.array(
    [
        "Entregar por la mañana",
        "Urgente: stock bajo",
        "Coordinar con el depósito",
        "Incluye bonificación por volumen",
        "Reponer antes del fin de semana",
    ],
    dtype=object,
)
LINE_NOTES = np.array(
    ["Bonificación 5%", "Reemplazo por faltante", "Envase retornable", "Precio acordado"],
    dtype=object,
)
SALE_DESTINATIONS = np.array(["Venta mostrador", "Venta online", "Venta mayorista"], dtype=object)
# Adjustment reasons and the sign of their quantity.
ADJUST_REASONS = np.array(
    [
        "Rotura",
        "Vencimiento",
        "Faltante de inventario",
        "Diferencia de inventario",
        "Devolución de cliente",
    ],
    dtype=object,
)
ADJUST_SIGNS = np.array([-1, -1, -1, 1, 1])
ADJUST_WEIGHTS = np.array([0.3, 0.25, 0.15, 0.15, 0.15])
# Monday..Sunday and January..December demand factors.
WEEKDAY_FACTOR = np.array([1.35, 1.25, 1.1, 1.0, 0.95, 0.7, 0.35])
MONTH_FACTOR = np.array([0.85, 0.85, 1.0, 0.95, 0.95, 0.95, 1.05, 0.95, 0.95, 1.0, 1.1, 1.45])
# Weight of each hour 7..19 (orders and movements happen in business hours, before 20:00).
HOUR_WEIGHTS = np.array([2, 5, 8, 9, 8, 6, 4, 5, 6, 6, 5, 4, 2], dtype=float)
HOUR_PROBS = HOUR_WEIGHTS / HOUR_WEIGHTS.sum()
# Order state probabilities (pendiente, enviado, recibido, cancelado) by age bucket in days.
STATE_AGE_LIMITS = np.array([3, 10])
STATE_PROBS = np.array(
    [[0.65, 0.30, 0.0, 0.05], [0.15, 0.35, 0.45, 0.05], [0.01, 0.01, 0.92, 0.06]]
)


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


class SeedError(Exception):
    """The demo data could not be loaded; the message is one Spanish line for the operator."""


@dataclass
class SeedReport:
    """What seed_database() wrote and how long it took."""

    lines: int
    orders: int
    products: int
    providers: int
    movements: int
    invoices: int
    seconds: float


def seed_database(
    engine: Engine,
    *,
    lines: int = 1_000_000,
    seed: int = 42,
    today: date | None = None,
    force: bool = False,
    progress: bool | None = None,
) -> SeedReport:
    """Fill the seven tables with deterministic demo data; raise SeedError on any problem."""
    started = time.perf_counter()
    if lines < 1:
        raise SeedError("El número de líneas de pedido debe ser al menos 1.")
    if isinstance(today, datetime):
        today = today.date()
    today = today or date.today()
    show = sys.stderr.isatty() if progress is None else progress
    plan = _prepare(engine, force=force)
    progress = _Progress(show)
    try:
        tables = generate_demo_data(lines=lines, seed=seed, today=today)
        progress.start(sum(_row_count(columns) for columns in tables.values()))
        _load(engine, tables, plan, progress)
    finally:
        progress.close()
    return SeedReport(
        lines=_row_count(tables["detalle_pedidos"]),
        orders=_row_count(tables["pedidos"]),
        products=_row_count(tables["productos"]),
        providers=_row_count(tables["proveedores"]),
        movements=_row_count(tables["movimientos_stock"]),
        invoices=_row_count(tables["facturas_ocr"]),
        seconds=round(time.perf_counter() - started, 3),
    )


def generate_demo_data(*, lines: int, seed: int, today: date) -> dict[str, Columns]:
    """Build every table as column arrays, in foreign-key order; deterministic for the inputs."""
    streams = iter(np.random.SeedSequence(seed).spawn(6))
    calendar = _Calendar.build(today)
    providers = _make_providers(np.random.default_rng(next(streams)), calendar)
    categories = _make_categories()
    products = _make_products(np.random.default_rng(next(streams)), calendar)
    sampler = _ProductSampler(products)
    orders, order_lines, order_info = _make_orders(
        np.random.default_rng(next(streams)), calendar, products, sampler, lines
    )
    movements = _make_movements(
        np.random.default_rng(next(streams)), calendar, products, order_lines, order_info
    )
    invoices = _make_invoices(
        np.random.default_rng(next(streams)), calendar, products, sampler, lines
    )
    return {
        "proveedores": providers,
        "categorias": categories,
        "productos": products.columns,
        "pedidos": orders,
        "detalle_pedidos": order_lines,
        "movimientos_stock": movements,
        "facturas_ocr": invoices,
    }


# --------------------------------------------------------------------------------------------
# Time helpers
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Calendar:
    """The two-year window of days with their relative demand (weekday, month, growth)."""

    today: np.datetime64
    days: np.ndarray
    probs: np.ndarray

    @classmethod
    def build(cls, today: date) -> _Calendar:
        last = np.datetime64(today.isoformat(), "D")
        days = last - np.arange(HISTORY_DAYS, -1, -1)
        weekday = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday
        month = days.astype("datetime64[M]").astype(np.int64) % 12
        growth = 1.0 + 0.25 * np.linspace(0.0, 1.0, len(days))
        weights = WEEKDAY_FACTOR[weekday] * MONTH_FACTOR[month] * growth
        return cls(today=last, days=days, probs=weights / weights.sum())

    @property
    def first(self) -> np.datetime64:
        return self.days[0]

    def sample_days(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """Days drawn with the seasonal weights."""
        return self.days[rng.choice(len(self.days), size=size, p=self.probs)]

    def business_times(self, rng: np.random.Generator, days: np.ndarray) -> np.ndarray:
        """Timestamps (datetime64[s]) on the given days between 07:00 and 19:59:59."""
        hours = 7 + rng.choice(len(HOUR_WEIGHTS), size=len(days), p=HOUR_PROBS)
        seconds = hours * 3600 + rng.integers(0, 3600, size=len(days))
        return days.astype("datetime64[s]") + seconds.astype("timedelta64[s]")


def _format_timestamps(values: np.ndarray) -> np.ndarray:
    """datetime64 values -> 'YYYY-MM-DD HH:MM:SS' strings, vectorised."""
    out = np.datetime_as_string(values.astype("datetime64[s]"), unit="s").astype("<U19")
    out.view("<U1").reshape(-1, 19)[:, 10] = " "
    return out


def _format_days(values: np.ndarray) -> np.ndarray:
    return np.datetime_as_string(values.astype("datetime64[D]"), unit="D").astype("<U10")


def _with_nulls(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Object array of `values` with None where `mask` is False."""
    out = np.full(len(values), None, dtype=object)
    out[mask] = values[mask]
    return out


def _sometimes(rng: np.random.Generator, choices: np.ndarray, size: int, rate: float) -> np.ndarray:
    """A random choice from `choices` on a `rate` share of the rows, None elsewhere."""
    picked = choices[rng.integers(0, len(choices), size=size)]
    return _with_nulls(picked, rng.random(size) < rate)


# --------------------------------------------------------------------------------------------
# Providers, categories, products
# --------------------------------------------------------------------------------------------


def _slug(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    words = [w for w in "".join(c if c.isalnum() else " " for c in plain).split()]
    skip = {"s", "a", "r", "l", "srl", "sa", "y", "del", "de", "la", "el", "ltda", "hnos", "cia"}
    return "".join(w for w in words if w not in skip)[:24]


def _make_providers(rng: np.random.Generator, calendar: _Calendar) -> Columns:
    n = len(PROVIDERS)
    names = np.array([name for name, _, _ in PROVIDERS], dtype=object)
    first = np.array(FIRST_NAMES, dtype=object)[rng.integers(0, len(FIRST_NAMES), n)]
    last = np.array(LAST_NAMES, dtype=object)[rng.integers(0, len(LAST_NAMES), n)]
    city_idx = rng.integers(0, len(CITIES), n)
    number = rng.integers(100, 5000, n)
    phones, addresses = [], []
    for i, city in enumerate(city_idx):
        city_name, area, streets = CITIES[city]
        local = f"{rng.integers(4000, 4999)}-{rng.integers(1000, 9999)}"
        phones.append(f"+54 {area} {local}")
        addresses.append(f"{streets[number[i] % len(streets)]} {number[i]}, {city_name}")
    registered = calendar.first - rng.integers(60, 3 * 365, n).astype("timedelta64[D]")
    return {
        "id": np.arange(1, n + 1),
        "codigo": np.array([f"PRV{i:03d}" for i in range(1, n + 1)], dtype=object),
        "nombre": names,
        "contacto": first + " " + last,
        "telefono": np.array(phones, dtype=object),
        "email": np.array([f"ventas@{_slug(name)}.com.ar" for name in names], dtype=object),
        "direccion": np.array(addresses, dtype=object),
        "activo": np.array([int(active) for _, _, active in PROVIDERS]),
        "fecha_registro": _format_timestamps(calendar.business_times(rng, registered)),
    }


def _make_categories() -> Columns:
    n = len(CATEGORIES)
    return {
        "id": np.arange(1, n + 1),
        "nombre": np.array([c[0] for c in CATEGORIES], dtype=object),
        "descripcion": np.array([c[1] for c in CATEGORIES], dtype=object),
        "activo": np.ones(n, dtype=np.int64),
    }


@dataclass(frozen=True)
class _Combo:
    name: str
    description: str
    price: float


def _expand_item(category: str, default_brands: str, item: str) -> list[_Combo]:
    parts = [part.strip() for part in item.split(";")] + ["", ""]
    label, price, sizes = parts[0], float(parts[1]), parts[2].split("/")
    brands = (parts[3] or default_brands).split("/")
    variants = parts[4].split("/") if parts[4] else [""]
    combos = []
    for variant in variants:
        product = f"{label} {variant}".strip()
        for brand in brands:
            for position, size in enumerate(sizes):
                combos.append(
                    _Combo(
                        name=f"{product} {brand} {size}",
                        description=f"{category}: {product.lower()} marca {brand}, {size}.",
                        price=price * (1.0 + 0.8 * position),
                    )
                )
    return combos


@cache
def _catalogue() -> tuple[tuple[_Combo, ...], ...]:
    """Every possible product name per category (a few thousand, built once)."""
    result = []
    for name, _, _, brands, items in CATEGORIES:
        combos = [combo for item in items for combo in _expand_item(name, brands, item)]
        result.append(tuple(combos))
    return tuple(result)


@dataclass(frozen=True)
class _Products:
    columns: Columns
    provider_idx: np.ndarray  # 0-based provider of each product
    popularity: np.ndarray  # Zipf-like weight of each product
    names: np.ndarray
    cost: np.ndarray
    price: np.ndarray


def _pick_combos(rng: np.random.Generator) -> tuple[list[_Combo], np.ndarray]:
    chosen: list[_Combo] = []
    category_idx = []
    for position, (combos, spec) in enumerate(zip(_catalogue(), CATEGORIES, strict=True)):
        count = min(spec[2], len(combos))
        picked = np.sort(rng.choice(len(combos), size=count, replace=False))
        chosen.extend(combos[i] for i in picked)
        category_idx.extend([position] * count)
    return chosen, np.array(category_idx)


def _assign_providers(rng: np.random.Generator, category_idx: np.ndarray) -> np.ndarray:
    """Each product goes to a provider of its category; active and specialist ones first."""
    result = np.empty(len(category_idx), dtype=np.int64)
    for position, spec in enumerate(CATEGORIES):
        candidates, weights = [], []
        for provider, (_, cats, active) in enumerate(PROVIDERS):
            cats = cats.split("/")
            if spec[0] in cats:
                candidates.append(provider)
                weights.append((2.0 if cats[0] == spec[0] else 1.0) * (1.0 if active else 0.3))
        members = np.flatnonzero(category_idx == position)
        probs = np.array(weights) / sum(weights)
        result[members] = np.array(candidates)[rng.choice(len(candidates), len(members), p=probs)]
    return result


def _barcodes(rng: np.random.Generator, n: int) -> np.ndarray:
    """Unique EAN-13 codes with the Argentine 779 prefix and a valid check digit."""
    body = 779_000_000_000 + rng.choice(1_000_000_000, size=n, replace=False)
    digits = (body[:, None] // 10 ** np.arange(11, -1, -1)) % 10
    total = (digits * np.tile([1, 3], 6)).sum(axis=1)
    check = (10 - total % 10) % 10
    return (body * 10 + check).astype(str).astype(object)


def _stock(rng: np.random.Generator, active: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n = len(active)
    minimum = rng.choice(np.array([5, 10, 12, 15, 20, 24, 30, 50]), size=n)
    current = np.rint(minimum * rng.uniform(1.2, 8.0, n)).astype(np.int64)
    low = (active == 1) & (rng.random(n) < 0.08)
    current[low] = rng.integers(0, minimum[low])
    current[low & (rng.random(n) < 0.3)] = 0
    return current, minimum


def _make_products(rng: np.random.Generator, calendar: _Calendar) -> _Products:
    combos, category_idx = _pick_combos(rng)
    n = len(combos)
    provider_idx = _assign_providers(rng, category_idx)
    provider_active = PROVIDER_ACTIVE[provider_idx]
    active = np.where(provider_active, rng.random(n) < 0.97, rng.random(n) < 0.4).astype(np.int64)
    base = np.array([combo.price for combo in combos])
    cost = np.round(base * rng.lognormal(0.0, 0.15, n), 2)
    price = np.maximum(np.round(cost * rng.uniform(1.25, 1.65, n), -1), cost + 10.0)
    current, minimum = _stock(rng, active)
    registered = calendar.first - rng.integers(30, 365, n).astype("timedelta64[D]")
    names = np.array([combo.name for combo in combos], dtype=object)
    columns = {
        "id": np.arange(1, n + 1),
        "nombre": names,
        "descripcion": np.array([combo.description for combo in combos], dtype=object),
        "categoria_id": category_idx + 1,
        "proveedor_id": provider_idx + 1,
        "codigo_barras": _barcodes(rng, n),
        "precio_compra": cost,
        "precio_venta": price,
        "stock_actual": current,
        "stock_minimo": minimum,
        "activo": active,
        "fecha_registro": _format_timestamps(calendar.business_times(rng, registered)),
    }
    popularity = 1.0 / (1.0 + rng.permutation(n)) ** 1.05
    return _Products(columns, provider_idx, popularity, names, cost, price)


class _ProductSampler:
    """Draw products of given providers, vectorised, proportional to product popularity."""

    def __init__(self, products: _Products) -> None:
        owner = products.provider_idx
        self.order = np.lexsort((np.arange(len(owner)), owner))
        owner_sorted = owner[self.order]
        weights = products.popularity[self.order]
        cumulative = np.cumsum(weights)
        totals = np.bincount(owner_sorted, weights=weights, minlength=len(PROVIDERS))
        starts = np.searchsorted(owner_sorted, np.arange(len(PROVIDERS)))
        ends = np.searchsorted(owner_sorted, np.arange(len(PROVIDERS)), side="right")
        before = np.zeros(len(PROVIDERS))
        has = ends > starts
        before[has] = (cumulative - weights)[starts[has]]
        within = (cumulative - before[owner_sorted]) / totals[owner_sorted]
        within[ends[has] - 1] = 1.0
        # Provider p's products occupy keys (p, p + 1]: searching p + u finds one of them.
        self.keys = owner_sorted + within
        self.counts = ends - starts
        self.starts = starts
        self.provider_weight = totals

    def sample(self, rng: np.random.Generator, providers: np.ndarray) -> np.ndarray:
        """One product index per entry of `providers` (0-based provider indexes)."""
        wanted = providers + rng.random(len(providers))
        return self.order[np.searchsorted(self.keys, wanted, side="right")]

    def sample_uniform(self, rng: np.random.Generator, providers: np.ndarray) -> np.ndarray:
        """One product per entry, each product of the provider equally likely."""
        offset = (rng.random(len(providers)) * self.counts[providers]).astype(np.int64)
        return self.order[self.starts[providers] + offset]


# --------------------------------------------------------------------------------------------
# Orders and order lines
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _OrderInfo:
    provider_idx: np.ndarray
    state: np.ndarray  # index into ESTADOS
    delivered: np.ndarray  # datetime64[D], valid where state == recibido
    numbers: np.ndarray
    line_order: np.ndarray  # 0-based order of each line
    line_product: np.ndarray  # 0-based product of each line


@dataclass(frozen=True)
class _OrderMix:
    """Who gets orders: provider weights and the day inactive providers stopped selling."""

    weight: np.ndarray
    active_weight: np.ndarray
    cutoff: np.ndarray

    @classmethod
    def build(cls, rng: np.random.Generator, calendar: _Calendar, sampler: _ProductSampler):
        weight = np.sqrt(sampler.counts) * rng.lognormal(0.0, 0.5, len(PROVIDERS))
        weight[sampler.counts == 0] = 0.0
        active_weight = np.where(PROVIDER_ACTIVE, weight, 0.0)
        span = len(calendar.days)
        offset = rng.integers(int(span * 0.35), int(span * 0.75), len(PROVIDERS))
        return cls(
            weight / weight.sum(), active_weight / active_weight.sum(), calendar.first + offset
        )

    def providers(self, rng: np.random.Generator, days: np.ndarray) -> np.ndarray:
        """Providers of orders placed on `days`; after its cutoff an inactive one is replaced."""
        providers = rng.choice(len(PROVIDERS), size=len(days), p=self.weight)
        moved = ~PROVIDER_ACTIVE[providers] & (days > self.cutoff[providers])
        providers[moved] = rng.choice(len(PROVIDERS), size=int(moved.sum()), p=self.active_weight)
        return providers


def _draw_orders(rng, calendar: _Calendar, sampler: _ProductSampler, mix: _OrderMix, size: int):
    """Candidate orders: timestamp, provider and line count (at most half its catalogue)."""
    stamps = calendar.business_times(rng, calendar.sample_days(rng, size))
    providers = mix.providers(rng, stamps.astype("datetime64[D]"))
    cap = np.maximum(1, sampler.counts[providers] // 2)
    counts = np.minimum(1 + np.minimum(rng.poisson(7.5, size=size), 29), cap)
    return stamps, providers, counts


def _order_skeleton(
    rng: np.random.Generator, calendar: _Calendar, sampler: _ProductSampler, lines: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Orders sorted by time with their provider and line count, adding up to exactly `lines`."""
    mix = _OrderMix.build(rng, calendar, sampler)
    batches, total = [], 0
    while total < lines:
        batches.append(_draw_orders(rng, calendar, sampler, mix, lines // 6 + 16))
        total += int(batches[-1][2].sum())
    stamps, providers, counts = (np.concatenate(parts) for parts in zip(*batches, strict=True))
    cumulative = np.cumsum(counts)
    n = int(np.searchsorted(cumulative, lines)) + 1
    counts = counts[:n].copy()
    counts[-1] = lines - (cumulative[n - 2] if n > 1 else 0)
    order = np.argsort(stamps[:n], kind="stable")
    return stamps[:n][order], providers[:n][order], counts[order]


def _order_states(
    rng: np.random.Generator, calendar: _Calendar, days: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """State index, expected and real delivery day of each order (recent ones pending)."""
    n = len(days)
    age = (calendar.today - days).astype(np.int64)
    cumulative = STATE_PROBS.cumsum(axis=1)[np.digitize(age, STATE_AGE_LIMITS)]
    state = (rng.random(n)[:, None] > cumulative[:, :-1]).sum(axis=1)
    expected = days + rng.integers(1, 6, n).astype("timedelta64[D]")
    delay = rng.choice(np.array([-1, 0, 0, 0, 1, 2, 3]), size=n).astype("timedelta64[D]")
    real = np.minimum(np.maximum(expected + delay, days), calendar.today)
    return state, expected, real


def _order_numbers(stamps: np.ndarray) -> np.ndarray:
    """PED-YYYY-NNNNNN with a counter restarting every year (stamps are sorted)."""
    years = stamps.astype("datetime64[Y]").astype(np.int64) + 1970
    first_of_year = np.searchsorted(years, years, side="left")
    sequence = np.arange(len(years)) - first_of_year + 1
    numbers = np.char.add(np.char.add("PED-", years.astype(str)), "-")
    return np.char.add(numbers, np.char.zfill(sequence.astype(str), 6)).astype(object)


def _duplicates(order: np.ndarray, product: np.ndarray) -> np.ndarray:
    """Mask of lines repeating a product already present in the same order."""
    key = order * 100_000 + product
    sort = np.argsort(key, kind="stable")
    repeated = key[sort][1:] == key[sort][:-1]
    mask = np.zeros(len(key), dtype=bool)
    mask[sort[1:][repeated]] = True
    return mask


def _line_products(
    rng: np.random.Generator, sampler: _ProductSampler, line_order: np.ndarray, providers
) -> np.ndarray:
    """Popular products first; a repeated product is redrawn uniformly until the order has none.

    Orders have at most half as many lines as their provider has products, so this converges
    in a few rounds over fewer and fewer lines.
    """
    line_provider = providers[line_order]
    product = sampler.sample(rng, line_provider)
    candidates = np.arange(len(line_order))
    for _ in range(64):
        repeated = candidates[_duplicates(line_order[candidates], product[candidates])]
        if len(repeated) == 0:
            break
        product[repeated] = sampler.sample_uniform(rng, line_provider[repeated])
        candidates = candidates[np.isin(line_order[candidates], line_order[repeated])]
    return product


def _quantities(rng: np.random.Generator, n: int) -> np.ndarray:
    """Skewed positive quantities: mostly a few units, sometimes whole packs."""
    pack = rng.choice(np.array([1, 1, 1, 1, 6, 12, 24]), size=n)
    loose = rng.geometric(0.13, size=n)
    packs = pack * rng.geometric(0.45, size=n)
    return np.where(pack == 1, loose, packs).astype(np.int64)


def _make_lines(
    rng: np.random.Generator, products: _Products, sampler, counts: np.ndarray, providers
) -> tuple[Columns, np.ndarray, np.ndarray]:
    line_order = np.repeat(np.arange(len(counts)), counts)
    product = _line_products(rng, sampler, line_order, providers)
    quantity = _quantities(rng, len(line_order))
    unit = products.cost[product]
    columns = {
        "id": np.arange(1, len(line_order) + 1),
        "pedido_id": line_order + 1,
        "producto_nombre": products.names[product],
        "cantidad": quantity,
        "precio_unitario": unit,
        "subtotal": np.round(quantity * unit, 2),
        "observaciones": _sometimes(rng, LINE_NOTES, len(line_order), 0.01),
    }
    return columns, line_order, product


def _make_orders(
    rng: np.random.Generator,
    calendar: _Calendar,
    products: _Products,
    sampler: _ProductSampler,
    lines: int,
) -> tuple[Columns, Columns, _OrderInfo]:
    stamps, providers, counts = _order_skeleton(rng, calendar, sampler, lines)
    n = len(counts)
    days = stamps.astype("datetime64[D]")
    state, expected, real = _order_states(rng, calendar, days)
    order_lines, line_order, line_product = _make_lines(rng, products, sampler, counts, providers)
    totals = np.round(np.bincount(line_order, weights=order_lines["subtotal"], minlength=n), 2)
    numbers = _order_numbers(stamps)
    notes = _sometimes(rng, ORDER_NOTES, n, 0.05)
    notes[state == 3] = "Cancelado: sin stock en el proveedor"
    orders = {
        "id": np.arange(1, n + 1),
        "proveedor_id": providers + 1,
        "numero_pedido": numbers,
        "fecha_pedido": _format_timestamps(stamps),
        "estado": ESTADOS[state],
        "total": totals,
        "observaciones": notes,
        "fecha_entrega_esperada": _format_days(expected).astype(object),
        "fecha_entrega_real": _with_nulls(_format_days(real).astype(object), state == 2),
    }
    info = _OrderInfo(providers, state, real, numbers, line_order, line_product)
    return orders, order_lines, info


# --------------------------------------------------------------------------------------------
# Stock movements
# --------------------------------------------------------------------------------------------


def _places(rng: np.random.Generator, n: int, *, depot_share: float) -> np.ndarray:
    """The central warehouse for a share of the rows, a random branch for the others."""
    branch = BRANCHES[rng.integers(0, len(BRANCHES), n)]
    return np.where(rng.random(n) < depot_share, "Depósito central", branch).astype(object)


def _entries(rng, calendar: _Calendar, lines: Columns, info: _OrderInfo):
    """Deliveries: a share of the lines of received orders, dated on the delivery day."""
    received = info.state[info.line_order] == 2
    picked = np.flatnonzero(received & (rng.random(len(info.line_order)) < 0.11))
    order = info.line_order[picked]
    n = len(picked)
    return {
        "producto_id": info.line_product[picked] + 1,
        "tipo_movimiento": np.full(n, "entrada", dtype=object),
        "cantidad": lines["cantidad"][picked],
        "precio_unitario": lines["precio_unitario"][picked],
        "proveedor_id": info.provider_idx[order] + 1,
        "origen": PROVIDER_NAMES[info.provider_idx[order]],
        "destino": _places(rng, n, depot_share=0.7),
        "observaciones": "Recepción pedido " + info.numbers[order],
        "stamp": calendar.business_times(rng, info.delivered[order]),
    }


def _outflows(rng, calendar: _Calendar, products: _Products, n: int):
    """Sales and transfers out of the stores, popular products first."""
    probs = products.popularity / products.popularity.sum()
    product = rng.choice(len(products.names), size=n, p=probs)
    return {
        "producto_id": product + 1,
        "tipo_movimiento": np.full(n, "salida", dtype=object),
        "cantidad": rng.geometric(0.2, size=n).astype(np.int64),
        "precio_unitario": products.price[product],
        "proveedor_id": products.provider_idx[product] + 1,
        "origen": _places(rng, n, depot_share=0.3),
        "destino": SALE_DESTINATIONS[rng.choice(3, size=n, p=[0.8, 0.15, 0.05])],
        "observaciones": np.full(n, None, dtype=object),
        "stamp": calendar.business_times(rng, calendar.sample_days(rng, n)),
    }


def _adjustments(rng, calendar: _Calendar, products: _Products, n: int):
    """Small signed corrections (breakage, expiry, inventory counts, returns)."""
    product = rng.integers(0, len(products.names), size=n)
    reason = rng.choice(len(ADJUST_REASONS), size=n, p=ADJUST_WEIGHTS)
    return {
        "producto_id": product + 1,
        "tipo_movimiento": np.full(n, "ajuste", dtype=object),
        "cantidad": ADJUST_SIGNS[reason] * rng.integers(1, 6, size=n),
        "precio_unitario": products.cost[product],
        "proveedor_id": products.provider_idx[product] + 1,
        "origen": _places(rng, n, depot_share=0.0),
        "destino": np.full(n, None, dtype=object),
        "observaciones": ADJUST_REASONS[reason],
        "stamp": calendar.business_times(rng, calendar.sample_days(rng, n)),
    }


def _make_movements(
    rng: np.random.Generator,
    calendar: _Calendar,
    products: _Products,
    order_lines: Columns,
    info: _OrderInfo,
) -> Columns:
    lines = len(info.line_order)
    parts = [
        _entries(rng, calendar, order_lines, info),
        _outflows(rng, calendar, products, int(lines * 0.13)),
        _adjustments(rng, calendar, products, max(1, int(lines * 0.025))),
    ]
    merged = {key: np.concatenate([part[key] for part in parts]) for key in parts[0]}
    stamps = merged.pop("stamp")
    order = np.argsort(stamps, kind="stable")
    stamps = stamps[order]
    merged = {key: values[order] for key, values in merged.items()}
    n = len(order)
    product = merged["producto_id"] - 1
    return {
        "id": np.arange(1, n + 1),
        "producto_id": merged["producto_id"],
        "producto_nombre": products.names[product],
        "tipo_movimiento": merged["tipo_movimiento"],
        "cantidad": merged["cantidad"],
        "precio_unitario": merged["precio_unitario"],
        "proveedor_id": merged["proveedor_id"],
        "origen": merged["origen"].astype(object),
        "destino": merged["destino"].astype(object),
        "observaciones": merged["observaciones"].astype(object),
        "fecha_movimiento": _format_timestamps(stamps),
        "usuario": USERS[rng.integers(0, len(USERS), n)],
    }


# --------------------------------------------------------------------------------------------
# OCR invoices (a few thousand rows: small Python loops are fine here)
# --------------------------------------------------------------------------------------------


def _ocr_variants(name: str) -> list[str]:
    """The name as read by OCR: exact, upper case, without accents, with typical misreadings."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    misread = plain.replace("o", "0", 1).replace("l", "1", 1).replace("rn", "m")
    return [name, name, name, name.upper(), plain, misread, name.replace(" ", "  ", 1)]


def _invoice_items(rng, sampler: _ProductSampler, providers: np.ndarray):
    counts = rng.integers(1, 5, size=len(providers))
    owner = np.repeat(np.arange(len(providers)), counts)
    product = sampler.sample(rng, providers[owner])
    quantity = rng.geometric(0.15, size=len(owner)).astype(np.int64)
    return owner, product, quantity


def _invoice_json(owner, product, quantity, products: _Products, n: int) -> list[str]:
    items: list[list[dict]] = [[] for _ in range(n)]
    names, costs = products.names, products.cost
    for invoice, prod, qty in zip(owner.tolist(), product.tolist(), quantity.tolist(), strict=True):
        items[invoice].append(
            {"producto": names[prod], "cantidad": qty, "precio_unitario": float(costs[prod])}
        )
    return [json.dumps(entry, ensure_ascii=False) for entry in items]


def _invoice_numbers(rng: np.random.Generator, providers: np.ndarray) -> list[str]:
    """Argentine style numbers: type A or B, point of sale per provider, increasing serial."""
    kind = np.where(rng.random(len(providers)) < 0.8, "A", "B").tolist()
    point = (providers % 12 + 1).tolist()
    serial = (np.arange(len(providers)) * 7 + rng.integers(1, 7, len(providers)) + 1000).tolist()
    return [f"{k}-{p:04d}-{s:08d}" for k, p, s in zip(kind, point, serial, strict=True)]


def _invoice_texts(
    rng: np.random.Generator, providers: np.ndarray, days: np.ndarray, totals: np.ndarray
) -> tuple[list[str], list[str], list[str]]:
    """Invoice number, provider name as read by OCR, and the OCR text of each invoice."""
    variants = [_ocr_variants(name) for name in PROVIDER_NAMES]
    pick = rng.integers(0, len(variants[0]), len(providers)).tolist()
    original = [variants[p][v] for p, v in zip(providers.tolist(), pick, strict=True)]
    numbers = _invoice_numbers(rng, providers)
    shown_days = [day.strftime("%d/%m/%Y") for day in days.astype(object)]
    rows = zip(numbers, original, shown_days, totals.tolist(), strict=True)
    content = [
        f"FACTURA {num[0]} N° {num[2:]}\n{name}\nFecha: {day}\nTotal: $ {total:.2f}"
        for num, name, day, total in rows
    ]
    return numbers, original, content


def _make_invoices(
    rng: np.random.Generator,
    calendar: _Calendar,
    products: _Products,
    sampler: _ProductSampler,
    lines: int,
) -> Columns:
    n = max(50, lines // 300)
    days = np.sort(calendar.sample_days(rng, n))
    active = PROVIDER_ACTIVE & (sampler.counts > 0)
    weight = np.where(active, sampler.provider_weight, 0.0)
    providers = rng.choice(len(PROVIDERS), size=n, p=weight / weight.sum())
    owner, product, quantity = _invoice_items(rng, sampler, providers)
    net = np.bincount(owner, weights=quantity * products.cost[product], minlength=n)
    totals = np.round(net * 1.21, 2)
    numbers, original, content = _invoice_texts(rng, providers, days, totals)
    processed = rng.random(n) < 0.85
    delay = rng.integers(0, 5, n).astype("timedelta64[D]")
    processing_day = np.minimum(days + delay, calendar.today)
    processing = _format_timestamps(calendar.business_times(rng, processing_day))
    items = _invoice_json(owner, product, quantity, products, n)
    return {
        "id": np.arange(1, n + 1),
        "numero_factura": np.array(numbers, dtype=object),
        "proveedor_original": np.array(original, dtype=object),
        "proveedor_asignado_id": _with_nulls((providers + 1).astype(object), processed),
        "fecha_factura": _format_days(days).astype(object),
        "total": totals,
        "contenido_ocr": np.array(content, dtype=object),
        "productos_json": np.array(items, dtype=object),
        "procesado": processed.astype(np.int64),
        "fecha_procesamiento": _with_nulls(processing.astype(object), processed),
    }


# --------------------------------------------------------------------------------------------
# Database side
# --------------------------------------------------------------------------------------------


def _row_count(columns: Columns) -> int:
    return len(next(iter(columns.values())))


class _Progress:
    """The tqdm bar (rows written) plus the table in progress, named in error messages."""

    def __init__(self, show: bool) -> None:
        self.bar = tqdm(total=None, unit=" filas", disable=not show, file=sys.stderr)
        self.table = ""
        self.stage("Generando datos")

    def stage(self, label: str, table: str = "") -> None:
        self.table = table
        self.bar.set_description(label)

    def start(self, total: int) -> None:
        self.bar.total = total
        self.bar.refresh()

    def advance(self, rows: int) -> None:
        self.bar.update(rows)

    def close(self) -> None:
        self.bar.close()


def _safe_url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def _reason(exc: BaseException, engine: Engine) -> str:
    """First line of the driver's message, with the password (if any) masked."""
    origin = getattr(exc, "orig", None) or exc
    lines = [line.strip() for line in str(origin).splitlines() if line.strip()]
    message = lines[0] if lines else type(origin).__name__
    password = engine.url.password
    if password:
        message = message.replace(str(password), "***")
    return message.rstrip(".")


def _db_errors(engine: Engine) -> tuple[type[BaseException], ...]:
    """SQLAlchemy errors plus the driver's own (raised by the raw DBAPI connection)."""
    dbapi = getattr(engine.dialect, "loaded_dbapi", None) or engine.dialect.dbapi
    errors: tuple[type[BaseException], ...] = (SQLAlchemyError,)
    if dbapi is not None and hasattr(dbapi, "Error"):
        errors += (dbapi.Error,)
    return errors


def _check_backend(engine: Engine) -> None:
    if engine.dialect.name == "sqlite":
        return
    if engine.dialect.name != "postgresql" or engine.dialect.driver != "psycopg":
        raise SeedError(
            "Solo se admiten SQLite y PostgreSQL con el driver psycopg (postgresql+psycopg://)."
        )


def _ensure_sqlite_dir(engine: Engine) -> None:
    path = sqlite_path(engine.url.render_as_string(hide_password=False))
    if path is None or path.parent.exists():
        return
    try:
        Path(path.parent).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SeedError(f"No se pudo crear la carpeta {path.parent}: {exc.strerror}.") from exc


def _connect_check(engine: Engine) -> None:
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1")).scalar_one()
    except _db_errors(engine) as exc:
        raise SeedError(
            f"No se pudo conectar a la base de datos {_safe_url(engine)}: {_reason(exc, engine)}."
        ) from exc


@dataclass(frozen=True)
class _Plan:
    """What the load must clear first: filled tables and helper tables derived from them."""

    filled: list[str]
    helpers: list[str]


def _inspect_tables(engine: Engine) -> tuple[list[str], _Plan]:
    """Create missing tables; return (missing columns, what the load must clear)."""
    existing = set(inspect(engine).get_table_names())
    if not set(TABLE_ORDER) <= existing:
        create_schema(engine)
    missing = missing_schema(engine)
    # Summaries built by `optimize` describe the old rows: they are emptied with them.
    helpers = [table.name for table in (mm_estado, *SUMMARY_TABLES) if table.name in existing]
    if missing:
        return missing, _Plan([], helpers)
    with engine.connect() as conn:
        filled = [
            name
            for name in TABLE_ORDER
            if conn.execute(text(f"SELECT 1 FROM {name} LIMIT 1")).first() is not None
        ]
    return [], _Plan(filled, helpers)


def _prepare(engine: Engine, *, force: bool) -> _Plan:
    """Connect, create missing tables, refuse filled ones without force; return the plan."""
    _check_backend(engine)
    _ensure_sqlite_dir(engine)
    _connect_check(engine)
    try:
        missing, plan = _inspect_tables(engine)
    except _db_errors(engine) as exc:
        raise SeedError(f"No se pudo preparar el esquema: {_reason(exc, engine)}.") from exc
    if missing:
        raise SeedError(f"El esquema existente no es compatible; faltan: {', '.join(missing)}.")
    if plan.filled and not force:
        raise SeedError(
            f"La base ya tiene datos (tabla {plan.filled[0]}); use --force para reemplazarlos."
        )
    return plan


def _load(engine: Engine, tables: dict[str, Columns], plan: _Plan, progress: _Progress) -> None:
    """Write all tables in one transaction; any database error becomes a SeedError."""
    loader = _load_sqlite if engine.dialect.name == "sqlite" else _load_postgres
    raw = None
    try:
        raw = engine.raw_connection()
        loader(raw.driver_connection, tables, plan, progress)
    except _db_errors(engine) as exc:
        if raw is not None:
            _quiet_rollback(raw)
        where = f" (tabla {progress.table})" if progress.table else ""
        raise SeedError(f"No se pudieron cargar los datos{where}: {_reason(exc, engine)}.") from exc
    finally:
        if raw is not None:
            raw.close()


def _quiet_rollback(raw) -> None:
    try:
        raw.rollback()
    except Exception:  # noqa: BLE001 - the original error is the one worth reporting
        pass


def _row_batches(columns: Columns, size: int) -> Iterator[list[tuple]]:
    total = _row_count(columns)
    for start in range(0, total, size):
        parts = [values[start : start + size].tolist() for values in columns.values()]
        yield list(zip(*parts, strict=True))


def _each_table(
    tables: dict[str, Columns],
    progress: _Progress,
    write: Callable[[str, Columns], Iterator[int]],
) -> None:
    for name in TABLE_ORDER:
        progress.stage(f"Cargando {name}", name)
        for done in write(name, tables[name]):
            progress.advance(done)
    progress.stage("Finalizando")


def _load_sqlite(conn, tables: dict[str, Columns], plan: _Plan, progress: _Progress) -> None:
    """One transaction with synchronous=OFF: clear the tables if asked, then executemany."""
    cursor = conn.cursor()
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = OFF")
    cursor.execute("BEGIN")
    for name in [*plan.helpers, *reversed(TABLE_ORDER)]:
        if name in plan.filled or name in plan.helpers:
            cursor.execute(f"DELETE FROM {name}")

    def write(name: str, columns: Columns) -> Iterator[int]:
        marks = ", ".join("?" for _ in columns)
        statement = f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({marks})"
        for rows in _row_batches(columns, SQLITE_BATCH):
            cursor.executemany(statement, rows)
            yield len(rows)

    _each_table(tables, progress, write)
    conn.commit()
    cursor.execute("PRAGMA synchronous = NORMAL")
    # Fold the WAL into the database file so the .db file alone holds the data.
    cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    cursor.close()


def _csv_text(value: object) -> bytes:
    """One CSV field (RFC 4180 quoting when needed); an empty string is quoted, unlike NULL."""
    shown = str(value)
    if shown == "" or any(char in shown for char in ',"\n\r'):
        shown = '"' + shown.replace('"', '""') + '"'
    return shown.encode("utf-8")


def _digits(magnitude: np.ndarray, negative: np.ndarray) -> np.ndarray:
    """Non-negative ints as ASCII digit columns (n, width) after a sign column; 0 = padding."""
    width = len(str(int(magnitude.max()))) if len(magnitude) else 1
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    digits = (magnitude[:, None] // powers) % 10 + ord("0")
    keep = magnitude[:, None] >= powers
    keep[:, -1] = True
    out = np.zeros((len(magnitude), width + 1), dtype=np.uint8)
    out[:, 0] = np.where(negative, ord("-"), 0)
    out[:, 1:] = np.where(keep, digits, 0)
    return out


def _plain_ascii(values: np.ndarray) -> np.ndarray | None:
    """Fixed-width bytes of a str array when it is ASCII without CSV specials, else None."""
    try:
        encoded = values.astype(f"S{max(1, values.dtype.itemsize // 4)}")
    except UnicodeEncodeError:
        return None
    matrix = encoded.view(np.uint8).reshape(len(values), -1)
    if np.isin(matrix, np.frombuffer(b',"\n\r', dtype=np.uint8)).any():
        return None
    return matrix


def _field_bytes(values: np.ndarray) -> np.ndarray:
    """Encode one column as a (rows, width) uint8 matrix; NUL bytes are padding to drop."""
    if values.dtype.kind in "iub":
        ints = values.astype(np.int64)
        return _digits(np.abs(ints), ints < 0)
    if values.dtype.kind == "f":  # every float column holds amounts with 2 decimals
        cents = np.rint(values * 100).astype(np.int64)
        magnitude = np.abs(cents)
        fraction = _digits(magnitude % 100 + 100, np.zeros(len(cents), dtype=bool))[:, 2:]
        dot = np.full((len(cents), 1), ord("."), dtype=np.uint8)
        return np.hstack([_digits(magnitude // 100, cents < 0), dot, fraction])
    if values.dtype.kind == "U":  # timestamps and days
        matrix = _plain_ascii(values)
        if matrix is not None:
            return matrix
    codes, uniques = pd.factorize(values.astype(object), use_na_sentinel=True)
    table = np.array([_csv_text(value) for value in uniques] + [b""], dtype=bytes)
    encoded = table[codes]  # code -1 (None) picks the empty last entry: NULL for COPY csv
    return encoded.view(np.uint8).reshape(len(values), -1)


def _csv_block(columns: Columns) -> bytes:
    """CSV text for COPY built with array operations: fields at fixed offsets, padding removed."""
    parts = [_field_bytes(values) for values in columns.values()]
    rows = len(parts[0])
    matrix = np.zeros((rows, sum(part.shape[1] + 1 for part in parts)), dtype=np.uint8)
    offset = 0
    for part in parts:
        matrix[:, offset : offset + part.shape[1]] = part
        offset += part.shape[1] + 1
        matrix[:, offset - 1] = ord(",")
    matrix[:, -1] = ord("\n")
    flat = matrix.ravel()
    return flat[flat != 0].tobytes()


def _csv_blocks(columns: Columns, size: int) -> Iterator[tuple[bytes, int]]:
    total = _row_count(columns)
    for start in range(0, total, size):
        block = {key: values[start : start + size] for key, values in columns.items()}
        yield _csv_block(block), _row_count(block)


FOREIGN_KEYS_SQL = """
SELECT n.nspname, c.relname, con.conname, pg_get_constraintdef(con.oid)
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE con.contype = 'f' AND c.relname = ANY(%s) AND pg_table_is_visible(c.oid)
ORDER BY c.relname, con.conname
"""


def _drop_foreign_keys(cursor) -> list[tuple[str, str, str, str]]:
    """Drop the foreign keys of the seven tables (checked again, in bulk, when re-added)."""
    from psycopg import sql

    cursor.execute(FOREIGN_KEYS_SQL, (list(TABLE_ORDER),))
    keys = cursor.fetchall()
    for schema, table, name, _ in keys:
        statement = sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}")
        cursor.execute(statement.format(sql.Identifier(schema, table), sql.Identifier(name)))
    return keys


def _restore_foreign_keys(cursor, keys: list[tuple[str, str, str, str]]) -> None:
    from psycopg import sql

    for schema, table, name, definition in keys:
        statement = sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} {}").format(
            sql.Identifier(schema, table), sql.Identifier(name), sql.SQL(definition)
        )
        cursor.execute(statement)


def _fix_sequences(cursor) -> None:
    """Serial ids continue after the explicit ids just loaded."""
    for name in TABLE_ORDER:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", (name,))
        sequence = cursor.fetchone()[0]
        if sequence:
            cursor.execute(f"SELECT setval(%s, (SELECT MAX(id) FROM {name}))", (sequence,))


def _load_postgres(conn, tables: dict[str, Columns], plan: _Plan, progress: _Progress) -> None:
    """One transaction: TRUNCATE if asked, COPY without FK triggers, re-add the FKs, ANALYZE."""
    from psycopg.copy import QueuedLibpqWriter

    with conn.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 0")
        cursor.execute("SET LOCAL lock_timeout = 0")
        if plan.filled:
            cursor.execute(f"TRUNCATE {', '.join(TABLE_ORDER)}")
        for name in plan.helpers:
            cursor.execute(f"DELETE FROM {name}")
        keys = _drop_foreign_keys(cursor)

        def write(name: str, columns: Columns) -> Iterator[int]:
            statement = f"COPY {name} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv)"
            # The queued writer sends from a thread: the server parses while we format.
            with cursor.copy(statement, writer=QueuedLibpqWriter(cursor)) as copy:
                for block, count in _csv_blocks(columns, COPY_BATCH):
                    copy.write(block)
                    yield count

        _each_table(tables, progress, write)
        progress.stage("Verificando claves foráneas")
        _restore_foreign_keys(cursor, keys)
        _fix_sequences(cursor)
        conn.commit()
        progress.stage("ANALYZE")
        cursor.execute("SET LOCAL statement_timeout = 0")
        for name in TABLE_ORDER:
            cursor.execute(f"ANALYZE {name}")
        conn.commit()
