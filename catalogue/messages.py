"""Validation messages in Polish, English and Ukrainian, keyed by an issue code.

Every message says what is wrong and how to fix it. Templates use ``str.format`` fields;
a parameter whose value is a ``{"pl": …, "en": …}`` dict is localised before formatting, so
validation can store language-dependent details (district names, lists of allowed values)
once and a report can still be rendered in any language later.
"""

from __future__ import annotations

from catalogue.taxonomy import LANGUAGES, check_language

# Fallback order when a template is missing in the requested language: English is the
# lingua franca for Ukrainian readers of this catalogue, Polish is always complete.
_FALLBACK: dict[str, tuple[str, ...]] = {
    "pl": ("pl",),
    "en": ("en", "pl"),
    "uk": ("uk", "en", "pl"),
}

LOCATIONS: dict[str, dict[str, str]] = {
    "row_column": {
        "pl": "Wiersz {row}, kolumna „{column}”",
        "en": 'Row {row}, column "{column}"',
        "uk": "Рядок {row}, стовпець «{column}»",
    },
    "feature_column": {
        "pl": "Obiekt {row}, pole „{column}”",
        "en": 'Feature {row}, property "{column}"',
        "uk": "Об'єкт {row}, поле «{column}»",
    },
    "row": {"pl": "Wiersz {row}", "en": "Row {row}", "uk": "Рядок {row}"},
    "feature": {"pl": "Obiekt {row}", "en": "Feature {row}", "uk": "Об'єкт {row}"},
    "column": {
        "pl": "Kolumna „{column}”",
        "en": 'Column "{column}"',
        "uk": "Стовпець «{column}»",
    },
    "file": {"pl": "Plik", "en": "File", "uk": "Файл"},
}

MESSAGES: dict[str, dict[str, str]] = {
    "empty_file": {
        "pl": "plik nie zawiera żadnego wiersza z danymi. Wpisz co najmniej jedną ofertę "
        "pod wierszem nagłówka.",
        "en": "the file has no data rows. Add at least one offering below the header row.",
        "uk": "файл не містить жодного рядка з даними. Додайте хоча б одну пропозицію під "
        "рядком заголовка.",
    },
    "missing_column": {
        "pl": "brak wymaganej kolumny. Dodaj do wiersza nagłówka kolumnę „{column}”.",
        "en": 'a required column is missing. Add a column "{column}" to the header row.',
        "uk": "відсутній обов'язковий стовпець. Додайте до рядка заголовка стовпець «{column}».",
    },
    "missing_coordinate_columns": {
        "pl": "brak kolumn ze współrzędnymi. Dodaj kolumnę „współrzędne” (np. 49.7839, "
        "22.7766) albo dwie kolumny „szerokość” i „długość”.",
        "en": 'there are no coordinate columns. Add a column "coordinates" (e.g. 49.7839, '
        '22.7766) or two columns "lat" and "lon".',
        "uk": "немає стовпців з координатами. Додайте стовпець «coordinates» (напр. 49.7839, "
        "22.7766) або два стовпці «lat» і «lon».",
    },
    "duplicate_column": {
        "pl": "kolumna oznacza to samo co kolumna „{other}”. Zostaw tylko jedną z nich.",
        "en": 'this column means the same as column "{other}". Keep only one of them.',
        "uk": "цей стовпець означає те саме, що й «{other}». Залиште лише один із них.",
    },
    "unknown_column": {
        "pl": "nieznana kolumna, jej zawartość zostanie pominięta. Sprawdź pisownię nagłówka; "
        "rozpoznawane kolumny: {allowed}.",
        "en": "unknown column, its contents will be ignored. Check the header's spelling; "
        "recognised columns: {allowed}.",
        "uk": "невідомий стовпець, його вміст буде пропущено. Перевірте написання заголовка; "
        "відомі стовпці: {allowed}.",
    },
    "required": {
        "pl": "brak wartości, a to pole jest wymagane. Wpisz {field}.",
        "en": "the value is missing but this field is required. Enter {field}.",
        "uk": "значення відсутнє, а це поле обов'язкове. Введіть {field}.",
    },
    "partner_similar": {
        "pl": "partnera „{partner}” nie ma w katalogu, ale jest podobny: „{existing}”. Jeśli "
        "to ta sama organizacja, wybierz istniejącego partnera (w pliku: wpisz „{existing}”).",
        "en": 'there is no partner "{partner}" in the catalogue, but there is a similar one: '
        '"{existing}". If it is the same organisation, choose the existing partner (in the '
        'file: write "{existing}").',
        "uk": "партнера «{partner}» немає в каталозі, але є схожий: «{existing}». Якщо це та "
        "сама організація, оберіть наявного партнера (у файлі: напишіть «{existing}»).",
    },
    "partner_required": {
        "pl": "nie wiadomo, kto prowadzi tę ofertę. Podaj partnera: organizację z katalogu "
        "albo nazwę nowej organizacji.",
        "en": "it does not say who runs this offering. Give the partner: an organisation "
        "from the catalogue or the name of a new one.",
        "uk": "невідомо, хто проводить цю пропозицію. Вкажіть партнера: організацію з "
        "каталогу або назву нової організації.",
    },
    "contact_required": {
        "pl": "turysta nie ma jak się skontaktować. Podaj co najmniej jedno: telefon, "
        "e-mail albo stronę internetową.",
        "en": "a tourist has no way to get in touch. Give at least one: phone, e-mail or website.",
        "uk": "турист не має як зв'язатися. Вкажіть хоча б одне: телефон, e-mail або вебсайт.",
    },
    "unknown_category": {
        "pl": "nieznana kategoria „{value}”. Dozwolone: {allowed}.",
        "en": 'unknown category "{value}". Allowed: {allowed}.',
        "uk": "невідома категорія «{value}». Дозволені: {allowed}.",
    },
    # The detail is geodata's own message, which already explains the expected formats.
    "bad_coordinates": {"pl": "{detail}", "en": "{detail}", "uk": "{detail}"},
    "bad_number": {
        "pl": "„{value}” nie jest liczbą. Podaj stopnie dziesiętne, np. {example} (kropka "
        "lub przecinek dziesiętny).",
        "en": '"{value}" is not a number. Give decimal degrees, e.g. {example} (decimal '
        "point or comma).",
        "uk": "«{value}» не є числом. Вкажіть десяткові градуси, напр. {example} (десяткова "
        "крапка або кома).",
    },
    "coordinate_incomplete": {
        "pl": "podano tylko jedną współrzędną. Uzupełnij zarówno szerokość, jak i długość "
        "geograficzną.",
        "en": "only one coordinate is given. Fill in both latitude and longitude.",
        "uk": "вказано лише одну координату. Заповніть і широту, і довготу.",
    },
    "coordinates_swapped": {
        "pl": "szerokość i długość geograficzna były zamienione miejscami; przyjęto "
        "{lat}, {lon}. Sprawdź punkt na mapie.",
        "en": "latitude and longitude were given in the wrong order; using {lat}, {lon}. "
        "Check the point on the map.",
        "uk": "широту й довготу вказано у зворотному порядку; прийнято {lat}, {lon}. "
        "Перевірте точку на мапі.",
    },
    "outside_area": {
        "pl": "punkt ({lat}, {lon}) leży poza pięcioma powiatami obszaru: najbliższy jest "
        "{district}, {distance_km} km stąd. Sprawdź współrzędne (kolejność: szerokość, "
        "długość).",
        "en": "the point ({lat}, {lon}) lies outside the five districts: the nearest is "
        "{district}, {distance_km} km away. Check the coordinates (order: latitude, "
        "longitude).",
        "uk": "точка ({lat}, {lon}) лежить поза п'ятьма повітами: найближчий — {district}, "
        "за {distance_km} км. Перевірте координати (порядок: широта, довгота).",
    },
    "near_boundary": {
        "pl": "punkt ({lat}, {lon}) leży tuż przy granicy obszaru; przyjęto: {district}. "
        "Sprawdź, czy lokalizacja jest dokładna.",
        "en": "the point ({lat}, {lon}) lies right at the edge of the area; assigned to "
        "{district}. Check that the location is accurate.",
        "uk": "точка ({lat}, {lon}) лежить біля самої межі території; віднесено до: "
        "{district}. Перевірте точність розташування.",
    },
    "unknown_gmina": {
        "pl": "nieznana gmina „{value}” w pięciu powiatach. Wpisz nazwę gminy (np. Krasiczyn) "
        "lub jej 7-cyfrowy kod TERYT albo zostaw pole puste, a gmina zostanie ustalona "
        "z położenia punktu.",
        "en": 'unknown gmina "{value}" in the five districts. Enter the gmina\'s name (e.g. '
        "Krasiczyn) or its 7-digit TERYT code, or leave the cell empty to derive the gmina "
        "from the point.",
        "uk": "невідома ґміна «{value}» у п'яти повітах. Вкажіть назву ґміни (напр. Krasiczyn) "
        "або її 7-значний код TERYT чи залиште поле порожнім, і ґміну буде визначено за "
        "точкою.",
    },
    "gmina_decides_district": {
        "pl": "punkt leży przy granicy powiatów; przyjęto {district} według podanej gminy "
        "„{gmina}” (z samego położenia wynikałby {point_district}).",
        "en": "the point lies at a district boundary; using {district} from the declared gmina "
        '"{gmina}" (the location alone suggests {point_district}).',
        "uk": "точка лежить біля межі повітів; прийнято {district} за вказаною ґміною "
        "«{gmina}» (саме розташування вказує на {point_district}).",
    },
    "gmina_mismatch": {
        "pl": "gmina „{gmina}” leży w: {gmina_district}, a punkt ({lat}, {lon}) w: "
        "{point_district}. Popraw gminę albo współrzędne (albo zostaw gminę pustą).",
        "en": 'gmina "{gmina}" is in {gmina_district} but the point ({lat}, {lon}) is in '
        "{point_district}. Correct the gmina or the coordinates (or leave the gmina empty).",
        "uk": "ґміна «{gmina}» розташована в: {gmina_district}, а точка ({lat}, {lon}) — в: "
        "{point_district}. Виправте ґміну або координати (або залиште ґміну порожньою).",
    },
    "javascript_url": {
        "pl": "adresy „javascript:” są niedozwolone. Podaj adres strony zaczynający się od "
        "https:// lub http://.",
        "en": '"javascript:" addresses are not allowed. Give a web address starting with '
        "https:// or http://.",
        "uk": "адреси «javascript:» заборонені. Вкажіть адресу сторінки, що починається з "
        "https:// або http://.",
    },
    "bad_url": {
        "pl": "„{value}” nie jest adresem strony internetowej. Podaj pełny adres zaczynający "
        "się od https:// lub http://, np. https://www.przemysl.pl.",
        "en": '"{value}" is not a web address. Give a full address starting with https:// or '
        "http://, e.g. https://www.przemysl.pl.",
        "uk": "«{value}» не є адресою вебсторінки. Вкажіть повну адресу, що починається з "
        "https:// або http://, напр. https://www.przemysl.pl.",
    },
    "url_normalised": {
        "pl": "dodano https:// i zapisano adres jako {value}. Sprawdź, czy strona otwiera się "
        "pod tym adresem.",
        "en": "added https:// and stored the address as {value}. Check that the page opens "
        "at this address.",
        "uk": "додано https:// і збережено адресу як {value}. Перевірте, чи сторінка "
        "відкривається за цією адресою.",
    },
    "bad_email": {
        "pl": "„{value}” nie jest poprawnym adresem e-mail. Podaj jeden adres w postaci "
        "nazwa@domena.pl.",
        "en": '"{value}" is not a valid e-mail address. Give one address like name@domain.pl.',
        "uk": "«{value}» не є коректною адресою e-mail. Вкажіть одну адресу у вигляді "
        "name@domain.pl.",
    },
    "bad_phone": {
        "pl": "„{value}” nie jest polskim numerem telefonu. Podaj 9 cyfr, np. 16 621 12 34 "
        "albo +48 600 100 200 (kilka numerów rozdziel średnikiem); numery zagraniczne nie "
        "są obsługiwane.",
        "en": '"{value}" is not a Polish phone number. Give 9 digits, e.g. 16 621 12 34 or '
        "+48 600 100 200 (separate several numbers with semicolons); foreign numbers are "
        "not supported.",
        "uk": "«{value}» не є польським номером телефону. Вкажіть 9 цифр, напр. 16 621 12 34 "
        "або +48 600 100 200 (кілька номерів розділяйте крапкою з комою); іноземні номери "
        "не підтримуються.",
    },
    "bad_bool": {
        "pl": "„{value}” nie jest odpowiedzią tak/nie. Wpisz tak, nie, x (= tak) albo zostaw "
        "puste (= nie wiadomo).",
        "en": '"{value}" is not a yes/no answer. Enter yes, no, x (= yes) or leave it empty '
        "(= unknown).",
        "uk": "«{value}» не є відповіддю так/ні. Введіть tak/yes, nie/no, x (= так) або "
        "залиште порожнім (= невідомо).",
    },
    "bad_wheelchair": {
        "pl": "„{value}” nie mówi, czy miejsce jest dostępne dla wózków. Wpisz tak, "
        "częściowo (np. bez windy na piętro) albo nie; puste = nie wiadomo.",
        "en": '"{value}" does not say whether the place is wheelchair accessible. Enter yes, '
        "limited (e.g. no lift to the upper floor) or no; empty = unknown.",
        "uk": "«{value}» не вказує, чи місце доступне для візків. Введіть tak/yes, "
        "częściowo/limited (напр. без ліфта на поверх) або nie/no; порожньо = невідомо.",
    },
    "bad_licence": {
        "pl": "nieznana licencja „{value}”. Dozwolone: {allowed}; puste = nie podano.",
        "en": 'unknown licence "{value}". Allowed: {allowed}; empty = not stated.',
        "uk": "невідома ліцензія «{value}». Дозволені: {allowed}; порожньо = не вказано.",
    },
    "bad_months": {
        "pl": "nie można odczytać miesięcy „{value}”. Podaj np. 5-9, maj-wrzesień, V-IX, "
        "5,6,7, 11-2 albo „cały rok”.",
        "en": 'cannot read the months "{value}". Give e.g. 5-9, May-September, V-IX, 5,6,7, '
        '11-2 or "all year".',
        "uk": "не вдається прочитати місяці «{value}». Вкажіть напр. 5-9, V-IX, 5,6,7, 11-2 "
        "або «all year».",
    },
    "bad_opening_hours": {
        "pl": "nie można odczytać godzin otwarcia „{value}”: błąd od znaku {position} "
        "(„{fragment}”). Użyj zapisu OpenStreetMap, np. Tu-Su 09:00-17:00; PH off; "
        "Jan-Mar off (dni Mo Tu We Th Fr Sa Su, godziny 09:00-17:00, PH = święta).",
        "en": 'cannot read the opening hours "{value}": the error starts at character '
        '{position} ("{fragment}"). Use the OpenStreetMap syntax, e.g. Tu-Su 09:00-17:00; '
        "PH off; Jan-Mar off (days Mo Tu We Th Fr Sa Su, hours 09:00-17:00, PH = public "
        "holidays).",
        "uk": "не вдається прочитати години роботи «{value}»: помилка від символу {position} "
        "(«{fragment}»). Використайте запис OpenStreetMap, напр. Tu-Su 09:00-17:00; PH off; "
        "Jan-Mar off (дні Mo Tu We Th Fr Sa Su, години 09:00-17:00, PH = свята).",
    },
    "bad_identity_form": {
        "pl": "„{value}” nie jest numerem {kind}. {kind} ma {digits} cyfr; kreski i spacje "
        "można pominąć. Przepisz numer z dokumentu albo zostaw puste.",
        "en": '"{value}" is not a {kind} number. A {kind} has {digits} digits; dashes and '
        "spaces may be left out. Copy the number from a document or leave it empty.",
        "uk": "«{value}» не є номером {kind}. {kind} має {digits} цифр; дефіси та пробіли "
        "можна пропустити. Перепишіть номер із документа або залиште порожнім.",
    },
    "bad_identity_checksum": {
        "pl": "numer {kind} „{value}” ma błędną cyfrę kontrolną, więc jest przepisany z "
        "błędem. Sprawdź go w rejestrze (REGON: wyszukiwarkaregon.stat.gov.pl) i popraw.",
        "en": 'the {kind} "{value}" has a wrong check digit, so it was copied with a '
        "mistake. Look it up in the register (REGON: wyszukiwarkaregon.stat.gov.pl) and "
        "correct it.",
        "uk": "номер {kind} «{value}» має неправильну контрольну цифру, тобто переписаний з "
        "помилкою. Перевірте його в реєстрі (REGON: wyszukiwarkaregon.stat.gov.pl) і "
        "виправте.",
    },
    "bad_legal_form": {
        "pl": "nieznana forma prawna „{value}”. Dozwolone: {allowed}.",
        "en": 'unknown legal form "{value}". Allowed: {allowed}.',
        "uk": "невідома організаційно-правова форма «{value}». Дозволені: {allowed}.",
    },
    "partner_identity_ignored": {
        "pl": "partner „{partner}” jest już w katalogu; plik z ofertami nie zmienia jego "
        "danych rejestrowych (NIP, REGON, KRS, forma prawna). Zmiany zgłoś koordynatorowi "
        "klastra.",
        "en": 'partner "{partner}" is already in the catalogue; a file of offerings does not '
        "change its registration data (NIP, REGON, KRS, legal form). Ask the cluster staff "
        "to change them.",
        "uk": "партнер «{partner}» уже є в каталозі; файл пропозицій не змінює його "
        "реєстраційних даних (NIP, REGON, KRS, форма). Зверніться до координатора кластера.",
    },
    "bad_date": {
        "pl": "„{value}” nie jest datą. Podaj datę jako 2027-08-15 albo 15.08.2027.",
        "en": '"{value}" is not a date. Give the date as 2027-08-15 or 15.08.2027.',
        "uk": "«{value}» не є датою. Вкажіть дату як 2027-08-15 або 15.08.2027.",
    },
    "event_end_before_start": {
        "pl": "koniec wydarzenia ({end}) jest wcześniejszy niż jego początek ({start}). "
        "Popraw daty.",
        "en": "the event's end ({end}) is before its start ({start}). Correct the dates.",
        "uk": "кінець події ({end}) раніший за її початок ({start}). Виправте дати.",
    },
    "event_end_without_start": {
        "pl": "podano koniec wydarzenia bez początku. Uzupełnij datę początku (dla "
        "jednodniowego wydarzenia taką samą jak koniec).",
        "en": "the event has an end date but no start date. Fill in the start date (the same "
        "as the end for a one-day event).",
        "uk": "вказано кінець події без початку. Заповніть дату початку (для одноденної "
        "події таку саму, як кінець).",
    },
    "bad_language": {
        "pl": "nieznany język „{value}”. Podaj kody lub nazwy rozdzielone średnikiem albo "
        "przecinkiem, np. pl;en albo polski, angielski. Dozwolone: {allowed}.",
        "en": 'unknown language "{value}". Give codes or names separated by semicolons or '
        "commas, e.g. pl;en or Polish, English. Allowed: {allowed}.",
        "uk": "невідома мова «{value}». Вкажіть коди або назви через крапку з комою чи кому, "
        "напр. pl;uk. Дозволені: {allowed}.",
    },
    "too_long": {
        "pl": "tekst ma {length} znaków, a dozwolone jest najwyżej {max}. Skróć go.",
        "en": "the text has {length} characters but at most {max} are allowed. Shorten it.",
        "uk": "текст має {length} символів, а дозволено щонайбільше {max}. Скоротіть його.",
    },
    "control_chars": {
        "pl": "tekst zawiera niedozwolone znaki ({chars}): znaki sterujące albo kody, których "
        "nie da się zapisać w XLSX, CSV ani PDF. Usuń je (często pojawiają się przy "
        "kopiowaniu z innych programów).",
        "en": "the text contains forbidden characters ({chars}): control characters or code "
        "points that XLSX, CSV and PDF cannot carry. Remove them (they often come from "
        "copying out of other programs).",
        "uk": "текст містить заборонені символи ({chars}): керівні символи або коди, які "
        "неможливо записати в XLSX, CSV чи PDF. Видаліть їх (вони часто з'являються під час "
        "копіювання з інших програм).",
    },
    "likely_duplicate_existing": {
        "pl": "prawdopodobnie ta sama oferta co „{other}” (id {other_id}) w katalogu, "
        "{distance_m} m stąd. Aby ją zaktualizować, wpisz jej id w kolumnie id; jeśli to inna "
        "oferta, zignoruj to ostrzeżenie.",
        "en": 'probably the same offering as "{other}" (id {other_id}) in the catalogue, '
        "{distance_m} m away. To update it, enter its id in the id column; if it is a "
        "different offering, ignore this warning.",
        "uk": "ймовірно, та сама пропозиція, що й «{other}» (id {other_id}) у каталозі, за "
        "{distance_m} м. Щоб оновити її, вкажіть її id у стовпці id; якщо це інша "
        "пропозиція, проігноруйте це попередження.",
    },
    "likely_duplicate_row": {
        "pl": "prawdopodobnie ta sama oferta co w wierszu {other_row} („{other}”), "
        "{distance_m} m stąd. Usuń jeden z wierszy, jeśli to ta sama oferta.",
        "en": 'probably the same offering as row {other_row} ("{other}"), {distance_m} m '
        "away. Delete one of the rows if they are the same offering.",
        "uk": "ймовірно, та сама пропозиція, що й у рядку {other_row} («{other}»), за "
        "{distance_m} м. Видаліть один із рядків, якщо це та сама пропозиція.",
    },
    "duplicate_id": {
        "pl": "id „{value}” występuje już w wierszu {other_row}. Każdy wiersz musi mieć inne "
        "id (albo puste dla nowej oferty).",
        "en": 'id "{value}" already appears in row {other_row}. Every row needs a different id '
        "(or an empty one for a new offering).",
        "uk": "id «{value}» вже є в рядку {other_row}. Кожен рядок повинен мати інший id "
        "(або порожній для нової пропозиції).",
    },
    "bad_id": {
        "pl": "id „{value}” jest niepoprawne: dozwolone są litery łacińskie bez znaków "
        "diakrytycznych, cyfry, „-”, „_” i „.” (najwyżej 64 znaki). Dla nowej oferty zostaw "
        "puste.",
        "en": 'id "{value}" is invalid: use Latin letters without diacritics, digits, "-", '
        '"_" and "." (at most 64 characters). Leave it empty for a new offering.',
        "uk": "id «{value}» некоректний: дозволені латинські літери без діакритики, цифри, "
        "«-», «_» і «.» (щонайбільше 64 символи). Для нової пропозиції залиште порожнім.",
    },
    "bad_recurrence": {
        "pl": "nie można odczytać powtarzania „{value}”. Podaj regułę iCalendar, np. "
        "FREQ=YEARLY (co roku w dniu z „data od”), FREQ=YEARLY;BYMONTH=8;BYDAY=3SA (trzecia "
        "sobota sierpnia) albo FREQ=WEEKLY;BYDAY=SA (co sobotę), i wypełnij „data od”.",
        "en": 'cannot read the recurrence "{value}". Give an iCalendar rule, e.g. FREQ=YEARLY '
        "(every year on the start date), FREQ=YEARLY;BYMONTH=8;BYDAY=3SA (third Saturday of "
        "August) or FREQ=WEEKLY;BYDAY=SA (every Saturday), and fill in the start date.",
        "uk": "не вдається прочитати повторення «{value}». Вкажіть правило iCalendar, напр. "
        "FREQ=YEARLY (щороку в дату початку) або FREQ=WEEKLY;BYDAY=SA (щосуботи), і "
        "заповніть дату початку.",
    },
    "bad_time": {
        "pl": "„{value}” nie jest godziną. Podaj np. 18:00 albo 10:00-16:00.",
        "en": '"{value}" is not a time of day. Give e.g. 18:00 or 10:00-16:00.',
        "uk": "«{value}» не є часом. Вкажіть напр. 18:00 або 10:00-16:00.",
    },
    "bad_badge": {
        "pl": "nieznane wyróżnienie „{value}”. Wyróżnienia nadaje koordynator klastra według "
        "list, które je przyznają; dozwolone: {allowed}.",
        "en": 'unknown badge "{value}". Badges are given by the cluster staff from the lists '
        "that award them; allowed: {allowed}.",
        "uk": "невідома відзнака «{value}». Відзнаки надає координатор кластера за списками, "
        "що їх присуджують; дозволені: {allowed}.",
    },
    "bad_sector": {
        "pl": "nieznany typ partnera „{value}”. Dozwolone: {allowed}.",
        "en": 'unknown partner sector "{value}". Allowed: {allowed}.',
        "uk": "невідомий тип партнера «{value}». Дозволені: {allowed}.",
    },
    "partner_sector_missing": {
        "pl": "partnera „{partner}” nie ma jeszcze w katalogu, więc trzeba podać jego typ. "
        "Wpisz w kolumnie typu partnera jeden z: {allowed}.",
        "en": 'partner "{partner}" is not in the catalogue yet, so its sector is needed. '
        "Enter one of these in the partner sector column: {allowed}.",
        "uk": "партнера «{partner}» ще немає в каталозі, тому потрібно вказати його тип. "
        "Введіть у стовпці типу партнера одне з: {allowed}.",
    },
    "partner_sector_conflict": {
        "pl": "partner „{partner}” ma w wierszu {other_row} typ {other}, a tu {value}. "
        "Podaj ten sam typ we wszystkich wierszach.",
        "en": 'partner "{partner}" has sector {other} in row {other_row} but {value} here. '
        "Give the same sector in every row.",
        "uk": "партнер «{partner}» має в рядку {other_row} тип {other}, а тут {value}. "
        "Вкажіть однаковий тип у всіх рядках.",
    },
    "partner_sector_ignored": {
        "pl": "partner „{partner}” jest już w katalogu jako {existing}; podany typ {value} "
        "pominięto. Zmianę typu partnera zgłoś koordynatorowi.",
        "en": 'partner "{partner}" is already in the catalogue as {existing}; the given sector '
        "{value} was ignored. Ask the coordinator to change a partner's sector.",
        "uk": "партнер «{partner}» вже є в каталозі як {existing}; вказаний тип {value} "
        "пропущено. Зміну типу партнера узгодьте з координатором.",
    },
    "bad_status": {
        "pl": "nieznany status „{value}”. Dozwolone: {allowed}.",
        "en": 'unknown status "{value}". Allowed: {allowed}.',
        "uk": "невідомий статус «{value}». Дозволені: {allowed}.",
    },
}

# Why a whole file is refused before validation (budgets, encodings, broken files). Same
# shape as MESSAGES; raised as :class:`FileRefused` by ``catalogue.file_reading``.
FILE_MESSAGES: dict[str, dict[str, str]] = {
    "file_too_large": {
        "pl": "plik jest większy niż {mb} MB. Podziel go na części.",
        "en": "the file is larger than {mb} MB. Split it into parts.",
        "uk": "файл більший за {mb} МБ. Розділіть його на частини.",
    },
    "too_many_rows": {
        "pl": "plik ma więcej niż {max} wierszy. Podziel go na części.",
        "en": "the file has more than {max} rows. Split it into parts.",
        "uk": "файл має понад {max} рядків. Розділіть його на частини.",
    },
    "too_many_columns": {
        "pl": "arkusz ma dane w więcej niż {max} kolumnach. Usuń zbędne kolumny.",
        "en": "the sheet has data in more than {max} columns. Delete the columns you do not need.",
        "uk": "аркуш має дані в понад {max} стовпцях. Видаліть зайві стовпці.",
    },
    "too_many_cells": {
        "pl": "plik ma więcej niż {max} komórek. Podziel go na części albo usuń puste, "
        "sformatowane kolumny i wiersze.",
        "en": "the file has more than {max} cells. Split it into parts or delete empty "
        "formatted columns and rows.",
        "uk": "файл має понад {max} клітинок. Розділіть його на частини або видаліть порожні "
        "відформатовані стовпці й рядки.",
    },
    "cell_too_long": {
        "pl": "wiersz {row}, kolumna {column}: komórka ma {length} znaków, a dozwolone jest "
        "najwyżej {max}. Skróć ją.",
        "en": "row {row}, column {column}: the cell has {length} characters but at most {max} "
        "are allowed. Shorten it.",
        "uk": "рядок {row}, стовпець {column}: клітинка має {length} символів, а дозволено "
        "щонайбільше {max}. Скоротіть її.",
    },
    "field_too_long": {
        "pl": "wiersz {row}: pole ma więcej niż {max} znaków. Skróć je albo sprawdź, czy "
        "w pliku nie brakuje zamykającego cudzysłowu.",
        "en": "row {row}: a field has more than {max} characters. Shorten it or check the "
        "file for a missing closing quote.",
        "uk": "рядок {row}: поле має понад {max} символів. Скоротіть його або перевірте, чи "
        "у файлі не бракує закривальних лапок.",
    },
    "xlsx_too_big_inside": {
        "pl": "skoroszyt po rozpakowaniu byłby za duży ({part}: {size} MB, dozwolone {max} MB). "
        "Zapisz w nim tylko arkusz z ofertami.",
        "en": "the workbook would be too large once unpacked ({part}: {size} MB, at most {max} "
        "MB). Save only the sheet with the offerings.",
        "uk": "книга після розпакування була б завелика ({part}: {size} МБ, дозволено {max} "
        "МБ). Збережіть у ній лише аркуш із пропозиціями.",
    },
    "xlsx_ratio": {
        "pl": "część skoroszytu „{part}” rozpakowuje się {ratio} razy (dozwolone {max}): tak "
        "wyglądają pliki-bomby. Zapisz arkusz ponownie w Excelu lub LibreOffice.",
        "en": 'part "{part}" of the workbook unpacks {ratio} times (at most {max}): that is '
        "what decompression bombs look like. Save the sheet again in Excel or LibreOffice.",
        "uk": "частина книги «{part}» розпаковується в {ratio} разів (дозволено {max}): так "
        "виглядають файли-бомби. Збережіть аркуш знову в Excel або LibreOffice.",
    },
    "xlsx_too_many_parts": {
        "pl": "skoroszyt ma {count} arkuszy lub części (dozwolone {max}). Zostaw tylko arkusz "
        "z ofertami.",
        "en": "the workbook has {count} sheets or parts (at most {max}). Keep only the sheet "
        "with the offerings.",
        "uk": "книга має {count} аркушів або частин (дозволено {max}). Залиште лише аркуш "
        "із пропозиціями.",
    },
    "xlsx_broken": {
        "pl": "nie można odczytać pliku XLSX ({detail}). Otwórz go w Excelu lub LibreOffice "
        "i zapisz ponownie jako .xlsx.",
        "en": "the XLSX file cannot be read ({detail}). Open it in Excel or LibreOffice and "
        "save it again as .xlsx.",
        "uk": "не вдається прочитати файл XLSX ({detail}). Відкрийте його в Excel або "
        "LibreOffice і збережіть знову як .xlsx.",
    },
    "too_slow": {
        "pl": "odczyt pliku trwał dłużej niż {seconds} s i został przerwany. Podziel plik na "
        "mniejsze części.",
        "en": "reading the file took longer than {seconds} s and was stopped. Split the file "
        "into smaller parts.",
        "uk": "читання файлу тривало понад {seconds} с і було перервано. Розділіть файл на "
        "менші частини.",
    },
    "csv_broken": {
        "pl": "błędny plik CSV ({detail}). Zapisz go ponownie jako CSV UTF-8.",
        "en": "malformed CSV ({detail}). Save it again as CSV UTF-8.",
        "uk": "пошкоджений файл CSV ({detail}). Збережіть його знову як CSV UTF-8.",
    },
    "mixed_encoding": {
        "pl": "plik jest częściowo w UTF-8, a częściowo w innym kodowaniu (wiersze w innym "
        "kodowaniu: {rows}). Polskie litery zostałyby zniekształcone. Zapisz cały plik "
        "jako CSV UTF-8.",
        "en": "the file is partly UTF-8 and partly in another encoding (rows in the other "
        "encoding: {rows}). Polish letters would be garbled. Save the whole file as CSV UTF-8.",
        "uk": "файл частково в UTF-8, а частково в іншому кодуванні (рядки в іншому "
        "кодуванні: {rows}). Польські літери було б спотворено. Збережіть увесь файл як "
        "CSV UTF-8.",
    },
    "unknown_encoding": {
        "pl": "nie rozpoznano kodowania pliku. Zapisz go jako CSV UTF-8.",
        "en": "the text encoding is not recognised. Save the file as CSV UTF-8.",
        "uk": "не вдалося розпізнати кодування файлу. Збережіть його як CSV UTF-8.",
    },
    "geojson_broken": {
        "pl": "błędny plik GeoJSON ({detail}).",
        "en": "malformed GeoJSON ({detail}).",
        "uk": "пошкоджений файл GeoJSON ({detail}).",
    },
}


def localise(value: object, lang: str) -> object:
    """``value`` itself, or its entry for ``lang`` if it is a per-language dict."""
    if isinstance(value, dict) and any(k in value for k in LANGUAGES):
        for candidate in _FALLBACK[lang]:
            if candidate in value:
                return value[candidate]
    return value


def format_message(code: str, lang: str, params: dict | None = None) -> str:
    """The message for issue ``code`` in ``lang`` ("pl", "en" or "uk") with ``params`` filled.

    Unknown codes raise ``KeyError`` so that a typo in validation cannot slip through.
    """
    check_language(lang)
    templates = MESSAGES[code] if code in MESSAGES else FILE_MESSAGES[code]
    template = next(templates[c] for c in _FALLBACK[lang] if c in templates)
    values = {k: localise(v, lang) for k, v in (params or {}).items()}
    return template.format(**values)


def format_location(row: int | None, column: str, lang: str, row_kind: str = "row") -> str:
    """Where an issue is: ``Wiersz 5, kolumna „kategoria”`` / ``Row 5, column "category"``.

    ``row_kind`` is ``"row"`` (spreadsheet row, header = 1) or ``"feature"`` (GeoJSON
    feature number, from 1).
    """
    check_language(lang)
    if row_kind not in ("row", "feature"):
        raise ValueError(f"unknown row kind {row_kind!r}; expected 'row' or 'feature'")
    if row is not None and column:
        key = f"{row_kind}_column"
    elif row is not None:
        key = row_kind
    elif column:
        key = "column"
    else:
        key = "file"
    return LOCATIONS[key][lang].format(row=row, column=column)
