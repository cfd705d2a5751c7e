"""Places learners name when asked for their time zone: common cities and countries, in English
and Russian, each with the IANA zone it keeps time by.

The first English and the first Russian name of a place are how the bot shows its zone; the
others are only understood when typed. A country listed in SEVERAL_ZONES spans zones far apart,
so its name alone cannot say which one: the learner is asked for their city instead.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Place:
    zone: str
    en: tuple[str, ...]
    ru: tuple[str, ...]


def _place(zone: str, en: str, ru: str) -> Place:
    return Place(zone, tuple(en.split("; ")), tuple(ru.split("; ")))


PLACES = (
    _place(
        "Europe/London",
        "London; United Kingdom; UK; Britain; England; Scotland",
        "Лондон; Великобритания; Англия; Британия; Шотландия",
    ),
    _place("Europe/Dublin", "Dublin; Ireland", "Дублин; Ирландия"),
    _place("Europe/Lisbon", "Lisbon; Porto; Portugal", "Лиссабон; Порту; Португалия"),
    _place(
        "Europe/Madrid",
        "Madrid; Barcelona; Valencia; Spain",
        "Мадрид; Барселона; Валенсия; Испания",
    ),
    _place("Europe/Paris", "Paris; Marseille; Lyon; France", "Париж; Марсель; Лион; Франция"),
    _place("Europe/Brussels", "Brussels; Belgium", "Брюссель; Бельгия"),
    _place(
        "Europe/Amsterdam",
        "Amsterdam; Rotterdam; Netherlands; Holland",
        "Амстердам; Роттердам; Нидерланды; Голландия",
    ),
    _place(
        "Europe/Berlin",
        "Berlin; Munich; Hamburg; Frankfurt; Cologne; Germany",
        "Берлин; Мюнхен; Гамбург; Франкфурт; Кёльн; Германия",
    ),
    _place("Europe/Zurich", "Zurich; Geneva; Bern; Switzerland", "Цюрих; Женева; Берн; Швейцария"),
    _place("Europe/Vienna", "Vienna; Austria", "Вена; Австрия"),
    _place("Europe/Rome", "Rome; Milan; Naples; Italy", "Рим; Милан; Неаполь; Италия"),
    _place("Europe/Prague", "Prague; Czechia; Czech Republic", "Прага; Чехия"),
    _place("Europe/Warsaw", "Warsaw; Krakow; Poland", "Варшава; Краков; Польша"),
    _place("Europe/Stockholm", "Stockholm; Sweden", "Стокгольм; Швеция"),
    _place("Europe/Oslo", "Oslo; Norway", "Осло; Норвегия"),
    _place("Europe/Copenhagen", "Copenhagen; Denmark", "Копенгаген; Дания"),
    _place("Europe/Helsinki", "Helsinki; Finland", "Хельсинки; Финляндия"),
    _place("Europe/Tallinn", "Tallinn; Estonia", "Таллин; Эстония"),
    _place("Europe/Riga", "Riga; Latvia", "Рига; Латвия"),
    _place("Europe/Vilnius", "Vilnius; Lithuania", "Вильнюс; Литва"),
    _place("Europe/Athens", "Athens; Greece", "Афины; Греция"),
    _place("Europe/Bucharest", "Bucharest; Romania", "Бухарест; Румыния"),
    _place("Europe/Sofia", "Sofia; Bulgaria", "София; Болгария"),
    _place("Europe/Belgrade", "Belgrade; Serbia", "Белград; Сербия"),
    _place("Europe/Budapest", "Budapest; Hungary", "Будапешт; Венгрия"),
    _place(
        "Europe/Kyiv",
        "Kyiv; Kiev; Kharkiv; Odesa; Odessa; Lviv; Ukraine",
        "Киев; Київ; Харьков; Одесса; Львов; Украина",
    ),
    _place("Europe/Minsk", "Minsk; Belarus", "Минск; Беларусь; Белоруссия"),
    _place("Europe/Chisinau", "Chisinau; Moldova", "Кишинёв; Молдова; Молдавия"),
    _place("Europe/Istanbul", "Istanbul; Ankara; Turkey; Türkiye", "Стамбул; Анкара; Турция"),
    _place("Europe/Kaliningrad", "Kaliningrad", "Калининград"),
    _place(
        "Europe/Moscow",
        "Moscow; Saint Petersburg; St Petersburg; Petersburg; Kazan; Nizhny Novgorod; Sochi",
        "Москва; Санкт-Петербург; Петербург; Питер; Казань; Нижний Новгород; Сочи",
    ),
    _place("Europe/Samara", "Samara", "Самара"),
    _place(
        "Asia/Yekaterinburg",
        "Yekaterinburg; Ekaterinburg; Chelyabinsk; Perm; Ufa",
        "Екатеринбург; Челябинск; Пермь; Уфа",
    ),
    _place("Asia/Omsk", "Omsk", "Омск"),
    _place("Asia/Novosibirsk", "Novosibirsk", "Новосибирск"),
    _place("Asia/Krasnoyarsk", "Krasnoyarsk", "Красноярск"),
    _place("Asia/Irkutsk", "Irkutsk", "Иркутск"),
    _place("Asia/Yakutsk", "Yakutsk", "Якутск"),
    _place("Asia/Vladivostok", "Vladivostok; Khabarovsk", "Владивосток; Хабаровск"),
    _place("Asia/Magadan", "Magadan", "Магадан"),
    _place(
        "Asia/Kamchatka",
        "Kamchatka; Petropavlovsk-Kamchatsky",
        "Камчатка; Петропавловск-Камчатский",
    ),
    _place("Asia/Tbilisi", "Tbilisi", "Тбилиси; Грузия"),
    _place("Asia/Yerevan", "Yerevan; Armenia", "Ереван; Армения"),
    _place("Asia/Baku", "Baku; Azerbaijan", "Баку; Азербайджан"),
    _place("Asia/Almaty", "Almaty; Astana; Kazakhstan", "Алматы; Алма-Ата; Астана; Казахстан"),
    _place("Asia/Tashkent", "Tashkent; Uzbekistan", "Ташкент; Узбекистан"),
    _place("Asia/Bishkek", "Bishkek; Kyrgyzstan", "Бишкек; Киргизия; Кыргызстан"),
    _place("Asia/Dushanbe", "Dushanbe; Tajikistan", "Душанбе; Таджикистан"),
    _place("Asia/Ashgabat", "Ashgabat; Turkmenistan", "Ашхабад; Туркмения; Туркменистан"),
    _place("Asia/Tehran", "Tehran; Iran", "Тегеран; Иран"),
    _place(
        "Asia/Dubai", "Dubai; Abu Dhabi; United Arab Emirates; UAE", "Дубай; Абу-Даби; ОАЭ; Эмираты"
    ),
    _place("Asia/Riyadh", "Riyadh; Saudi Arabia", "Эр-Рияд; Саудовская Аравия"),
    _place("Asia/Jerusalem", "Jerusalem; Tel Aviv; Israel", "Иерусалим; Тель-Авив; Израиль"),
    _place("Africa/Cairo", "Cairo; Egypt", "Каир; Египет"),
    _place("Asia/Kabul", "Kabul; Afghanistan", "Кабул; Афганистан"),
    _place(
        "Asia/Karachi", "Karachi; Islamabad; Lahore; Pakistan", "Карачи; Исламабад; Лахор; Пакистан"
    ),
    _place(
        "Asia/Kolkata",
        "Kolkata; Calcutta; Mumbai; Bombay; Delhi; New Delhi; Bangalore; Bengaluru; "
        "Chennai; Hyderabad; India",
        "Калькутта; Мумбаи; Дели; Нью-Дели; Бангалор; Ченнаи; Хайдарабад; Индия",
    ),
    _place("Asia/Colombo", "Colombo; Sri Lanka", "Коломбо; Шри-Ланка"),
    _place("Asia/Kathmandu", "Kathmandu; Nepal", "Катманду; Непал"),
    _place("Asia/Dhaka", "Dhaka; Bangladesh", "Дакка; Бангладеш"),
    _place("Asia/Yangon", "Yangon; Rangoon; Myanmar", "Янгон; Мьянма"),
    _place("Asia/Bangkok", "Bangkok; Thailand", "Бангкок; Таиланд; Тайланд"),
    _place(
        "Asia/Ho_Chi_Minh", "Ho Chi Minh City; Saigon; Hanoi; Vietnam", "Хошимин; Ханой; Вьетнам"
    ),
    _place("Asia/Jakarta", "Jakarta", "Джакарта"),
    _place("Asia/Singapore", "Singapore", "Сингапур"),
    _place("Asia/Kuala_Lumpur", "Kuala Lumpur; Malaysia", "Куала-Лумпур; Малайзия"),
    _place("Asia/Manila", "Manila; Philippines", "Манила; Филиппины"),
    _place(
        "Asia/Shanghai", "Beijing; Shanghai; Shenzhen; China", "Пекин; Шанхай; Шэньчжэнь; Китай"
    ),
    _place("Asia/Hong_Kong", "Hong Kong", "Гонконг"),
    _place("Asia/Taipei", "Taipei; Taiwan", "Тайбэй; Тайвань"),
    _place("Asia/Seoul", "Seoul; South Korea; Korea", "Сеул; Южная Корея; Корея"),
    _place("Asia/Tokyo", "Tokyo; Osaka; Japan", "Токио; Осака; Япония"),
    _place("Australia/Perth", "Perth", "Перт"),
    _place("Australia/Eucla", "Eucla", "Юкла"),
    _place("Australia/Darwin", "Darwin", "Дарвин"),
    _place("Australia/Adelaide", "Adelaide", "Аделаида"),
    _place("Australia/Brisbane", "Brisbane", "Брисбен"),
    _place("Australia/Sydney", "Sydney; Canberra", "Сидней; Канберра"),
    _place("Australia/Melbourne", "Melbourne", "Мельбурн"),
    _place(
        "Pacific/Auckland",
        "Auckland; Wellington; New Zealand",
        "Окленд; Веллингтон; Новая Зеландия",
    ),
    _place("Pacific/Chatham", "Chatham Islands", "Острова Чатем; Чатем"),
    _place("Pacific/Marquesas", "Marquesas Islands", "Маркизские острова"),
    _place("Pacific/Honolulu", "Honolulu; Hawaii", "Гонолулу; Гавайи"),
    _place("America/Anchorage", "Anchorage; Alaska", "Анкоридж; Аляска"),
    _place(
        "America/Los_Angeles",
        "Los Angeles; San Francisco; Seattle; Las Vegas",
        "Лос-Анджелес; Сан-Франциско; Сиэтл; Лас-Вегас",
    ),
    _place("America/Vancouver", "Vancouver", "Ванкувер"),
    _place("America/Denver", "Denver", "Денвер"),
    _place("America/Phoenix", "Phoenix; Arizona", "Финикс; Аризона"),
    _place("America/Chicago", "Chicago; Houston; Dallas; Austin", "Чикаго; Хьюстон; Даллас; Остин"),
    _place("America/Mexico_City", "Mexico City", "Мехико"),
    _place(
        "America/New_York",
        "New York; Washington; Boston; Miami; Atlanta",
        "Нью-Йорк; Вашингтон; Бостон; Майами; Атланта",
    ),
    _place("America/Toronto", "Toronto; Montreal; Ottawa", "Торонто; Монреаль; Оттава"),
    _place("America/Halifax", "Halifax", "Галифакс"),
    _place("America/St_Johns", "St. John's; Newfoundland", "Сент-Джонс; Ньюфаундленд"),
    _place(
        "America/Sao_Paulo",
        "São Paulo; Sao Paulo; Rio de Janeiro; Brasília; Brasilia",
        "Сан-Паулу; Рио-де-Жанейро; Бразилиа",
    ),
    _place("America/Argentina/Buenos_Aires", "Buenos Aires; Argentina", "Буэнос-Айрес; Аргентина"),
    _place("America/Santiago", "Santiago; Chile", "Сантьяго; Чили"),
    _place("America/Bogota", "Bogotá; Bogota; Colombia", "Богота; Колумбия"),
    _place("America/Lima", "Lima; Peru", "Лима; Перу"),
    _place("America/Caracas", "Caracas; Venezuela", "Каракас; Венесуэла"),
    _place("Africa/Lagos", "Lagos; Nigeria", "Лагос; Нигерия"),
    _place("Africa/Nairobi", "Nairobi; Kenya", "Найроби; Кения"),
    _place(
        "Africa/Johannesburg",
        "Johannesburg; Cape Town; South Africa",
        "Йоханнесбург; Кейптаун; ЮАР",
    ),
    _place("Africa/Casablanca", "Casablanca; Morocco", "Касабланка; Марокко"),
    _place("Atlantic/Reykjavik", "Reykjavik; Iceland", "Рейкьявик; Исландия"),
)

# Countries whose name alone does not say the zone: hours apart from one end to the other.
SEVERAL_ZONES = frozenset(
    {
        "Russia", "Russian Federation", "Россия", "РФ",
        "United States", "USA", "US", "America", "США", "Америка", "Штаты",
        "Canada", "Канада",
        "Brazil", "Бразилия",
        "Australia", "Австралия",
        "Mexico", "Мексика",
        "Indonesia", "Индонезия",
    }
)  # fmt: skip
