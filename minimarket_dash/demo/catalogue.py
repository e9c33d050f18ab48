"""The demo catalogue: Argentine providers, categories, products, places and the seasonality."""

from __future__ import annotations

import numpy as np

ESTADOS = np.array(["pendiente", "enviado", "entregado", "cancelado"], dtype=object)
HISTORY_DAYS = 730

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
            "Alimento para gatos; 8000; 500 g/1.5 kg/5 kg/7.5 kg; "
            "Cat Chow/Whiskas/Gatti/Excellent; adultos/gatitos",
            "Alimento húmedo para gatos; 1000; 85 g; Whiskas/Felix/Gatti; pescado/carne/pollo",
            "Piedras sanitarias; 2500; 2 kg/4 kg; Piedritas/Cat's Pride/Gatti",
            "Snacks para perros; 2000; 100 g/500 g; Pedigree/Dogui/Old Prince; huesitos/galletas",
        ),
    ),
)

# Products that are always in the catalogue, all of one provider: pairs of names an invoice
# reader must keep apart (1.5 kg is not 15 kg). demo/plants.py puts each pair in one order.
NEAR_NAMES = (
    ("Alimento para perros adultos Dogui 1.5 kg", "Alimento para perros adultos Dogui 15 kg"),
    ("Alimento para gatos adultos Whiskas 500 g", "Alimento para gatos adultos Whiskas 5 kg"),
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
# Order state probabilities (pendiente, enviado, entregado, cancelado) by age bucket in days.
STATE_AGE_LIMITS = np.array([3, 10])
STATE_PROBS = np.array(
    [[0.65, 0.30, 0.0, 0.05], [0.15, 0.35, 0.45, 0.05], [0.01, 0.01, 0.92, 0.06]]
)
