"""Company names, person names, email addresses and phone numbers that look like each region's customers.

Every email domain ends in `.example` (reserved by RFC 2606), so demo data can never mail a real company.
"""

import random
import re
import unicodedata
from dataclasses import dataclass

from dashboard.domain.models import Region


@dataclass(frozen=True)
class Locale:
    """The names of one country's people and companies."""

    first_names: tuple[str, ...]
    surnames: tuple[str, ...]
    industries: tuple[str, ...]
    legal_forms: tuple[str, ...]
    places: tuple[str, ...]
    institutions: tuple[str, ...]  # patterns with {place}, for councils, schools and the like
    phone_formats: tuple[str, ...]  # '#' is a random digit


@dataclass(frozen=True)
class Company:
    name: str
    domain_words: str  # the part of the name an email domain is made of, before transliteration


def company_name(rng: random.Random, locale: Locale) -> Company:
    if locale is JAPAN:
        return _japanese_company(rng)
    place, surname, other = rng.choice(locale.places), rng.choice(locale.surnames), rng.choice(locale.surnames)
    industry, form = rng.choice(locale.industries), rng.choice(locale.legal_forms)
    pattern = rng.random()
    if pattern < 0.12 and locale.institutions:
        name = rng.choice(locale.institutions).format(place=place)
        return Company(name, name)
    if pattern < 0.40:
        return Company(f'{place} {industry} {form}', f'{place} {industry}')
    surname = surname[0].upper() + surname[1:]  # `van den Berg`, but `Van den Berg B.V.`
    if pattern < 0.55 and other.lower() != surname.lower():
        return Company(f'{surname} & {other} {form}', f'{surname} {other}')
    return Company(f'{surname} {industry} {form}', f'{surname} {industry}')


def person_name(rng: random.Random, locale: Locale) -> tuple[str, str]:
    """A full name as the person writes it, and its ASCII form for an email address (given name first)."""
    if locale is JAPAN:
        (family, family_latin), (given, given_latin) = rng.choice(_JP_FAMILY), rng.choice(_JP_GIVEN)
        return f'{family} {given}', f'{given_latin} {family_latin}'
    first, last = rng.choice(locale.first_names), rng.choice(locale.surnames)
    return f'{first} {last}', f'{first} {last}'


def email_local_part(latin_name: str, style: int) -> str:
    """`anna.mueller`, `amueller` or `anna_mueller`: each organisation writes its addresses one way."""
    first, *rest = latin_name.split(' ', 1)
    first, last = ascii_slug(first, ''), ascii_slug(rest[0] if rest else '', '')
    if style == 1:
        return f'{first[:1]}{last}'
    if style == 2:
        return f'{first}_{last}'
    return f'{first}.{last}'


def phone_number(rng: random.Random, locale: Locale) -> str:
    return ''.join(str(rng.randrange(10)) if char == '#' else char for char in rng.choice(locale.phone_formats))


def ascii_slug(text: str, separator: str = '-') -> str:
    """`Schäfer & Söhne` → `schaefer-soehne`: lower-case ASCII letters and digits for email addresses."""
    text = text.lower().translate(_TRANSLITERATION)
    text = unicodedata.normalize('NFKD', text).encode('ascii', 'ignore').decode()
    return re.sub(r'[^a-z0-9]+', separator, text).strip(separator)


def locale_for(rng: random.Random, region: Region) -> Locale:
    locales, weights = zip(*LOCALES_BY_REGION[region], strict=True)
    return rng.choices(locales, weights)[0]


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split(', '))


def _pairs(text: str) -> tuple[tuple[str, str], ...]:
    """`佐藤 Sato, 鈴木 Suzuki` → the name as written and in Latin letters."""
    return tuple(tuple(pair.split(' ', 1)) for pair in text.split(', '))  # type: ignore[misc]


def _japanese_company(rng: random.Random) -> Company:
    (place, place_latin), (industry, industry_latin) = rng.choice(_JP_PLACES), rng.choice(_JP_INDUSTRIES)
    name = f'株式会社{place}{industry}' if rng.random() < 0.5 else f'{place}{industry}株式会社'
    return Company(name, f'{place_latin} {industry_latin}')


_TRANSLITERATION = str.maketrans(
    {
        'ä': 'ae',
        'ö': 'oe',
        'ü': 'ue',
        'ß': 'ss',
        'æ': 'ae',
        'ø': 'oe',
        'å': 'aa',
        'ł': 'l',
        'đ': 'd',
        "'": None,
        '&': ' ',
    }
)

GERMANY = Locale(
    first_names=_words(
        'Anna, Lukas, Jürgen, Sabine, Matthias, Katrin, Jörg, Stefanie, Björn, Ute, Felix, Lena, Maximilian, '
        'Sören, Claudia, Tobias, Ann-Kathrin, Uwe, Hannah, Dörte'
    ),
    surnames=_words(
        'Müller, Schmidt, Schneider, Fischer, Weber, Meyer, Wagner, Becker, Schulz, Hoffmann, Schäfer, Koch, '
        'Bauer, Richter, Klein, Wolf, Schröder, Neumann, Schwarz, Zimmermann, Braun, Krüger, Hartmann, Lange, '
        'Werner, Krause, Lehmann, Köhler, Weiß, Jäger, Groß, Böhm, Förster, Kühn, Vogel, Günther'
    ),
    industries=_words(
        'Logistik, Maschinenbau, Elektrotechnik, Medizintechnik, Software, Bauunternehmung, Steuerberatung, '
        'Druckerei, Immobilien, Haustechnik, Metallbau, Feinkost, Kältetechnik'
    ),
    legal_forms=_words('GmbH, GmbH, AG, GmbH & Co. KG, KG, e.K.'),
    places=_words(
        'München, Köln, Düsseldorf, Nürnberg, Lübeck, Göttingen, Würzburg, Osnabrück, Saarbrücken, Tübingen, '
        'Fürth, Bremen, Leipzig, Freiburg, Mönchengladbach'
    ),
    institutions=('Stadtwerke {place}', 'Gemeindeverwaltung {place}', 'Klinikum {place}', 'Volkshochschule {place}'),
    phone_formats=('+49 30 ########', '+49 89 #######', '+49 221 #######', '+49 40 ########', '+49 151 ########'),
)
FRANCE = Locale(
    first_names=_words('Élodie, Julien, Amélie, Théo, Céline, François, Margaux, Loïc, Hélène, Mathis'),
    surnames=_words(
        'Dubois, Lefèvre, Moreau, Girard, Rousseau, Bonnet, Mercier, Faure, Chevalier, Gauthier, Lemaître, Bérenger'
    ),
    industries=_words('Informatique, Transports, Conseil, Bâtiment, Distribution, Ingénierie, Assurances'),
    legal_forms=('SARL', 'SAS', 'SA'),
    places=_words('Besançon, Orléans, Nîmes, Angers, Limoges, Évry, Rennes, Valence'),
    institutions=('Mairie de {place}', 'Lycée Jean Moulin de {place}'),
    phone_formats=('+33 1 ## ## ## ##', '+33 4 ## ## ## ##', '+33 6 ## ## ## ##'),
)
NETHERLANDS = Locale(
    first_names=_words('Sanne, Daan, Femke, Joris, Lotte, Bram, Eline, Thijs'),
    surnames=_words('de Vries, van den Berg, Jansen, Bakker, Visser, Smit, de Jong, van Dijk, Mulder'),
    industries=_words('Techniek, Installatie, Transport, Adviesgroep, Zorg, Bouw'),
    legal_forms=('B.V.', 'B.V.', 'N.V.'),
    places=_words('Zwolle, Utrecht, Delft, Haarlem, Leiden, Breda'),
    institutions=('Gemeente {place}',),
    phone_formats=('+31 20 ### ####', '+31 30 ### ####', '+31 6 ########'),
)
POLAND = Locale(
    first_names=_words('Łukasz, Agnieszka, Paweł, Małgorzata, Krzysztof, Joanna, Michał, Zofia'),
    surnames=_words('Wójcik, Kowalczyk, Nowak, Wiśniewski, Zieliński, Szymański, Woźniak, Dąbrowski'),
    industries=_words('Systemy, Logistyka, Budownictwo, Serwis, Technologie'),
    legal_forms=('Sp. z o.o.', 'S.A.'),
    places=_words('Kraków, Łódź, Gdańsk, Poznań, Wrocław'),
    institutions=('Urząd Miasta {place}',),
    phone_formats=('+48 22 ### ## ##', '+48 12 ### ## ##', '+48 601 ### ###'),
)
SPAIN = Locale(
    first_names=_words('José, María, Sofía, Álvaro, Lucía, Andrés, Inés, Martín'),
    surnames=_words('García, Martínez, López, Sánchez, Pérez, Gómez, Núñez, Jiménez, Muñoz, Ibáñez'),
    industries=_words('Consultores, Ingeniería, Logística, Servicios Informáticos, Construcciones'),
    legal_forms=('S.L.', 'S.A.'),
    places=_words('Córdoba, Málaga, Zaragoza, Valladolid, Cádiz'),
    institutions=('Ayuntamiento de {place}',),
    phone_formats=('+34 91 ### ## ##', '+34 93 ### ## ##', '+34 6## ### ###'),
)
ITALY = Locale(
    first_names=_words('Giulia, Marco, Francesca, Luca, Chiara, Matteo, Alessia, Davide'),
    surnames=_words('Rossi, Russo, Ferrari, Esposito, Bianchi, Romano, Colombo, Ricci, Marino, Greco'),
    industries=_words('Informatica, Trasporti, Costruzioni, Meccanica, Servizi'),
    legal_forms=('S.r.l.', 'S.p.A.'),
    places=_words('Bergamo, Padova, Verona, Modena, Lecce'),
    institutions=('Comune di {place}',),
    phone_formats=('+39 02 #### ####', '+39 06 #### ####', '+39 3## ### ####'),
)
NORDICS = Locale(
    first_names=_words('Åsa, Lars, Ingrid, Mikael, Sigrid, Jonas, Maja, Oskar'),
    surnames=_words(
        'Johansson, Lindqvist, Andersen, Nieminen, Håkansson, Bergström, Sørensen, Østergaard, Virtanen, Ekström'
    ),
    industries=_words('Teknik, Data, Logistik, Bygg, Konsult'),
    legal_forms=_words('AB, AS, Oy, ApS'),
    places=_words('Malmö, Göteborg, Tromsø, Aarhus, Tampere, Uppsala'),
    institutions=('{place} kommun',),
    phone_formats=('+46 8 ### ### ##', '+45 ## ## ## ##', '+47 ### ## ###', '+358 9 ### ####'),
)
BRITAIN = Locale(
    first_names=_words(
        'Oliver, Amelia, Harry, Isla, George, Emily, Jack, Sophie, Mohammed, Aisha, Charlotte, Callum, '
        'Eilidh, Rhys, Siobhan, Niamh, Arjun, Grace, Thomas, Freya'
    ),
    surnames=_words(
        'Smith, Jones, Taylor, Brown, Williams, Wilson, Davies, Evans, Thomas, Roberts, Patel, Khan, '
        "O'Connor, McKenzie, Hughes, Wright, Walker, Robinson, Thompson, Clarke, Ahmed, Murphy, Lloyd, Price, "
        'Singh, Kaur, Edwards, Morgan, Campbell, Fraser'
    ),
    industries=_words(
        'Logistics, Engineering, Solutions, Consulting, Healthcare, Facilities Management, Accountancy, '
        'Property Services, Print, Distribution, IT Services, Recruitment'
    ),
    legal_forms=_words('Ltd, Ltd, Ltd, plc, LLP'),
    places=_words(
        'Northgate, Kingsmere, Ashby, Hollowfield, Thornbury, Westbrook, Oakridge, Millbrook, Stonebridge, '
        'Fairhaven, Greywell, Penmarris, Glenmorrow'
    ),
    institutions=('{place} Borough Council', '{place} Academy Trust', '{place} Housing Association', '{place} College'),
    phone_formats=('+44 20 7946 0###', '+44 161 496 0###', '+44 113 496 0###', '+44 7700 900###'),
)
UNITED_STATES = Locale(
    first_names=_words(
        'James, Mary, Michael, Jennifer, David, Ashley, Daniel, Jessica, Carlos, Maria, Kevin, Emily, '
        'DeShawn, Mei, Ethan, Olivia, Tyler, Hannah, José, Brianna'
    ),
    surnames=_words(
        'Johnson, Williams, Miller, Davis, Garcia, Rodriguez, Martinez, Anderson, Thomas, Jackson, White, '
        'Harris, Nguyen, Kim, Lee, Robinson, Walker, Young, Allen, Hernández, Lopez, Washington, Cohen, '
        'Kowalski'
    ),
    industries=_words(
        'Technologies, Logistics, Health Partners, Financial Group, Manufacturing, Software, Dental Group, '
        'Construction, Analytics, Insurance Agency, Property Management'
    ),
    legal_forms=_words('Inc., Inc., LLC, Corp., Co.'),
    places=_words(
        'Cedar Creek, Lakeside, Summit, Pinecrest, Red Rock, Bluewater, Silver Lake, Maple Grove, Ironwood, '
        'Evergreen, Prairie View, Harborview, Copper Ridge'
    ),
    institutions=('{place} Unified School District', '{place} County Public Library', '{place} Credit Union'),
    phone_formats=('+1 212 555 01##', '+1 415 555 01##', '+1 617 555 01##', '+1 312 555 01##', '+1 512 555 01##'),
)
JAPAN = Locale(
    first_names=(),
    surnames=(),
    industries=(),
    legal_forms=(),
    places=(),
    institutions=(),
    phone_formats=('+81 3-####-####', '+81 6-####-####', '+81 90-####-####'),
)

_JP_FAMILY = _pairs(
    '佐藤 Sato, 鈴木 Suzuki, 高橋 Takahashi, 田中 Tanaka, 渡辺 Watanabe, '
    '伊藤 Ito, 山本 Yamamoto, 中村 Nakamura, 小林 Kobayashi, 加藤 Kato'
)
_JP_GIVEN = _pairs('健 Ken, 陽菜 Hina, 翔 Sho, 美咲 Misaki, 大輔 Daisuke, 由美 Yumi, 直樹 Naoki, さくら Sakura')
_JP_PLACES = _pairs(
    '東京 Tokyo, 大阪 Osaka, 名古屋 Nagoya, 横浜 Yokohama, 札幌 Sapporo, 福岡 Fukuoka, '
    'サクラ Sakura, ミドリ Midori, 北斗 Hokuto, 青葉 Aoba, 富士 Fuji, 大和 Yamato'
)
_JP_INDUSTRIES = _pairs(
    '精機 Seiki, 電機 Denki, 物流 Butsuryu, 建設 Kensetsu, '
    'システムズ Systems, 商事 Shoji, テクノロジー Technology, 製薬 Seiyaku'
)

LOCALES_BY_REGION: dict[Region, tuple[tuple[Locale, int], ...]] = {
    Region.EU: ((GERMANY, 45), (FRANCE, 15), (NETHERLANDS, 10), (POLAND, 10), (SPAIN, 8), (ITALY, 7), (NORDICS, 5)),
    Region.UK: ((BRITAIN, 1),),
    Region.US: ((UNITED_STATES, 88), (JAPAN, 12)),
}
