"""IATI 2.03 codelists the models use, as Django choices whose values are the IATI codes.

Generated from the official codelists (IATI-Codelists version-2.03 and IATI-Codelists-NonEmbedded,
see ../shared/iati/codelists/SOURCES.txt); withdrawn codes are left out so that no form can
choose one. Tests compare these lists with the codelist files.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ActivityStatus(models.TextChoices):
    PIPELINE_IDENTIFICATION = "1", _("Pipeline/identification")
    IMPLEMENTATION = "2", _("Implementation")
    FINALISATION = "3", _("Finalisation")
    CLOSED = "4", _("Closed")
    CANCELLED = "5", _("Cancelled")
    SUSPENDED = "6", _("Suspended")


class OrganisationRole(models.TextChoices):
    FUNDING = "1", _("Funding")
    ACCOUNTABLE = "2", _("Accountable")
    EXTENDING = "3", _("Extending")
    IMPLEMENTING = "4", _("Implementing")


class OrganisationType(models.TextChoices):
    GOVERNMENT = "10", _("Government")
    LOCAL_GOVERNMENT = "11", _("Local Government")
    OTHER_PUBLIC_SECTOR = "15", _("Other Public Sector")
    INTERNATIONAL_NGO = "21", _("International NGO")
    NATIONAL_NGO = "22", _("National NGO")
    REGIONAL_NGO = "23", _("Regional NGO")
    PARTNER_COUNTRY_BASED_NGO = "24", _("Partner Country based NGO")
    PUBLIC_PRIVATE_PARTNERSHIP = "30", _("Public Private Partnership")
    MULTILATERAL = "40", _("Multilateral")
    FOUNDATION = "60", _("Foundation")
    PRIVATE_SECTOR = "70", _("Private Sector")
    PRIVATE_SECTOR_IN_PROVIDER_COUNTRY = "71", _("Private Sector in Provider Country")
    PRIVATE_SECTOR_IN_AID_RECIPIENT_COUNTRY = "72", _("Private Sector in Aid Recipient Country")
    PRIVATE_SECTOR_IN_THIRD_COUNTRY = "73", _("Private Sector in Third Country")
    ACADEMIC_TRAINING_AND_RESEARCH = "80", _("Academic, Training and Research")
    OTHER = "90", _("Other")


class Region(models.TextChoices):
    STATES_EX_YUGOSLAVIA_UNSPECIFIED = "88", _("States Ex-Yugoslavia unspecified")
    EUROPE_REGIONAL = "89", _("Europe, regional")
    NORTH_OF_SAHARA_REGIONAL = "189", _("North of Sahara, regional")
    SOUTH_OF_SAHARA_REGIONAL = "289", _("South of Sahara, regional")
    AFRICA_REGIONAL = "298", _("Africa, regional")
    CARIBBEAN_CENTRAL_AMERICA_REGIONAL = "389", _("Caribbean & Central America, regional")
    SOUTH_AMERICA_REGIONAL = "489", _("South America, regional")
    AMERICA_REGIONAL = "498", _("America, regional")
    MIDDLE_EAST_REGIONAL = "589", _("Middle East, regional")
    CENTRAL_ASIA_REGIONAL = "619", _("Central Asia, regional")
    SOUTH_ASIA_REGIONAL = "679", _("South Asia, regional")
    SOUTH_CENTRAL_ASIA_REGIONAL = "689", _("South & Central Asia, regional")
    FAR_EAST_ASIA_REGIONAL = "789", _("Far East Asia, regional")
    ASIA_REGIONAL = "798", _("Asia, regional")
    OCEANIA_REGIONAL = "889", _("Oceania, regional")
    DEVELOPING_COUNTRIES_UNSPECIFIED = "998", _("Developing countries, unspecified")
    EASTERN_AFRICA_REGIONAL = "1027", _("Eastern Africa, regional")
    MIDDLE_AFRICA_REGIONAL = "1028", _("Middle Africa, regional")
    SOUTHERN_AFRICA_REGIONAL = "1029", _("Southern Africa, regional")
    WESTERN_AFRICA_REGIONAL = "1030", _("Western Africa, regional")
    CARIBBEAN_REGIONAL = "1031", _("Caribbean, regional")
    CENTRAL_AMERICA_REGIONAL = "1032", _("Central America, regional")
    MELANESIA_REGIONAL = "1033", _("Melanesia, regional")
    MICRONESIA_REGIONAL = "1034", _("Micronesia, regional")
    POLYNESIA_REGIONAL = "1035", _("Polynesia, regional")


class Currency(models.TextChoices):
    AED = "AED", "AED — UAE Dirham"
    AFN = "AFN", "AFN — Afghani"
    ALL = "ALL", "ALL — Lek"
    AMD = "AMD", "AMD — Armenian Dram"
    ANG = "ANG", "ANG — Netherlands Antillian Guilder"
    AOA = "AOA", "AOA — Kwanza"
    ARS = "ARS", "ARS — Argentine Peso"
    AUD = "AUD", "AUD — Australian Dollar"
    AWG = "AWG", "AWG — Aruban Guilder"
    AZN = "AZN", "AZN — Azerbaijanian Manat"
    BAM = "BAM", "BAM — Convertible Marks"
    BBD = "BBD", "BBD — Barbados Dollar"
    BDT = "BDT", "BDT — Taka"
    BGN = "BGN", "BGN — Bulgarian Lev"
    BHD = "BHD", "BHD — Bahraini Dinar"
    BIF = "BIF", "BIF — Burundi Franc"
    BMD = "BMD", "BMD — Bermudian Dollar"
    BND = "BND", "BND — Brunei Dollar"
    BOB = "BOB", "BOB — Boliviano"
    BOV = "BOV", "BOV — Mvdol"
    BRL = "BRL", "BRL — Brazilian Real"
    BSD = "BSD", "BSD — Bahamian Dollar"
    BTN = "BTN", "BTN — Ngultrum"
    BWP = "BWP", "BWP — Pula"
    BYN = "BYN", "BYN — Belarussian Ruble"
    BZD = "BZD", "BZD — Belize Dollar"
    CAD = "CAD", "CAD — Canadian Dollar"
    CDF = "CDF", "CDF — Congolese Franc"
    CHF = "CHF", "CHF — Swiss Franc"
    CLF = "CLF", "CLF — Unidades de fomento"
    CLP = "CLP", "CLP — Chilean Peso"
    CNY = "CNY", "CNY — Yuan Renminbi"
    COP = "COP", "COP — Colombian Peso"
    COU = "COU", "COU — Unidad de Valor Real"
    CRC = "CRC", "CRC — Costa Rican Colon"
    CUC = "CUC", "CUC — Peso Convertible"
    CUP = "CUP", "CUP — Cuban Peso"
    CVE = "CVE", "CVE — Cape Verde Escudo"
    CZK = "CZK", "CZK — Czech Koruna"
    DJF = "DJF", "DJF — Djibouti Franc"
    DKK = "DKK", "DKK — Danish Krone"
    DOP = "DOP", "DOP — Dominican Peso"
    DZD = "DZD", "DZD — Algerian Dinar"
    EGP = "EGP", "EGP — Egyptian Pound"
    ERN = "ERN", "ERN — Nakfa"
    ETB = "ETB", "ETB — Ethiopian Birr"
    EUR = "EUR", "EUR — Euro"
    FJD = "FJD", "FJD — Fiji Dollar"
    FKP = "FKP", "FKP — Falkland Islands Pound"
    GBP = "GBP", "GBP — Pound Sterling"
    GEL = "GEL", "GEL — Lari"
    GHS = "GHS", "GHS — Cedi"
    GIP = "GIP", "GIP — Gibraltar Pound"
    GMD = "GMD", "GMD — Dalasi"
    GNF = "GNF", "GNF — Guinea Franc"
    GTQ = "GTQ", "GTQ — Quetzal"
    GYD = "GYD", "GYD — Guyana Dollar"
    HKD = "HKD", "HKD — Hong Kong Dollar"
    HNL = "HNL", "HNL — Lempira"
    HRK = "HRK", "HRK — Kuna"
    HTG = "HTG", "HTG — Gourde"
    HUF = "HUF", "HUF — Forint"
    IDR = "IDR", "IDR — Rupiah"
    ILS = "ILS", "ILS — New Israeli Sheqel"
    INR = "INR", "INR — Indian Rupee"
    IQD = "IQD", "IQD — Iraqi Dinar"
    IRR = "IRR", "IRR — Iranian Rial"
    ISK = "ISK", "ISK — Iceland Krona"
    JMD = "JMD", "JMD — Jamaican Dollar"
    JOD = "JOD", "JOD — Jordanian Dinar"
    JPY = "JPY", "JPY — Yen"
    KES = "KES", "KES — Kenyan Shilling"
    KGS = "KGS", "KGS — Som"
    KHR = "KHR", "KHR — Riel"
    KMF = "KMF", "KMF — Comoro Franc"
    KPW = "KPW", "KPW — North Korean Won"
    KRW = "KRW", "KRW — Won"
    KWD = "KWD", "KWD — Kuwaiti Dinar"
    KYD = "KYD", "KYD — Cayman Islands Dollar"
    KZT = "KZT", "KZT — Tenge"
    LAK = "LAK", "LAK — Kip"
    LBP = "LBP", "LBP — Lebanese Pound"
    LKR = "LKR", "LKR — Sri Lanka Rupee"
    LRD = "LRD", "LRD — Liberian Dollar"
    LSL = "LSL", "LSL — Loti"
    LYD = "LYD", "LYD — Libyan Dinar"
    MAD = "MAD", "MAD — Moroccan Dirham"
    MDL = "MDL", "MDL — Moldovan Leu"
    MGA = "MGA", "MGA — Malagasy Ariary"
    MKD = "MKD", "MKD — Denar"
    MMK = "MMK", "MMK — Kyat"
    MNT = "MNT", "MNT — Tugrik"
    MOP = "MOP", "MOP — Pataca"
    MRU = "MRU", "MRU — Ouguiya"
    MUR = "MUR", "MUR — Mauritius Rupee"
    MVR = "MVR", "MVR — Rufiyaa"
    MWK = "MWK", "MWK — Malawi Kwacha"
    MXN = "MXN", "MXN — Mexican Peso"
    MXV = "MXV", "MXV — Mexican Unidad de Inversion (UDI)"
    MYR = "MYR", "MYR — Malaysian Ringgit"
    MZN = "MZN", "MZN — Metical"
    NAD = "NAD", "NAD — Namibia Dollar"
    NGN = "NGN", "NGN — Naira"
    NIO = "NIO", "NIO — Cordoba Oro"
    NOK = "NOK", "NOK — Norwegian Krone"
    NPR = "NPR", "NPR — Nepalese Rupee"
    NZD = "NZD", "NZD — New Zealand Dollar"
    OMR = "OMR", "OMR — Rial Omani"
    PAB = "PAB", "PAB — Balboa"
    PEN = "PEN", "PEN — Nuevo Sol"
    PGK = "PGK", "PGK — Kina"
    PHP = "PHP", "PHP — Philippine Peso"
    PKR = "PKR", "PKR — Pakistan Rupee"
    PLN = "PLN", "PLN — Zloty"
    PYG = "PYG", "PYG — Guarani"
    QAR = "QAR", "QAR — Qatari Rial"
    RON = "RON", "RON — Romanian Leu"
    RSD = "RSD", "RSD — Serbian Dinar"
    RUB = "RUB", "RUB — Russian Ruble"
    RWF = "RWF", "RWF — Rwanda Franc"
    SAR = "SAR", "SAR — Saudi Riyal"
    SBD = "SBD", "SBD — Solomon Islands Dollar"
    SCR = "SCR", "SCR — Seychelles Rupee"
    SDG = "SDG", "SDG — Sudanese Pound"
    SEK = "SEK", "SEK — Swedish Krona"
    SGD = "SGD", "SGD — Singapore Dollar"
    SHP = "SHP", "SHP — Saint Helena Pound"
    SLE = "SLE", "SLE — Leone"
    SLL = "SLL", "SLL — Leone"
    SOS = "SOS", "SOS — Somali Shilling"
    SSP = "SSP", "SSP — South Sudanese Pound"
    SRD = "SRD", "SRD — Surinam Dollar"
    STN = "STN", "STN — Dobra"
    SVC = "SVC", "SVC — El Salvador Colon"
    SYP = "SYP", "SYP — Syrian Pound"
    SZL = "SZL", "SZL — Lilangeni"
    THB = "THB", "THB — Baht"
    TJS = "TJS", "TJS — Somoni"
    TMT = "TMT", "TMT — Manat"
    TND = "TND", "TND — Tunisian Dinar"
    TOP = "TOP", "TOP — Paanga"
    TRY = "TRY", "TRY — Turkish Lira"
    TTD = "TTD", "TTD — Trinidad and Tobago Dollar"
    TWD = "TWD", "TWD — New Taiwan Dollar"
    TZS = "TZS", "TZS — Tanzanian Shilling"
    UAH = "UAH", "UAH — Hryvnia"
    UGX = "UGX", "UGX — Uganda Shilling"
    USD = "USD", "USD — US Dollar"
    USN = "USN", "USN — US Dollar (Next day)"
    UYI = "UYI", "UYI — Uruguay Peso en Unidades Indexadas"
    UYU = "UYU", "UYU — Peso Uruguayo"
    UZS = "UZS", "UZS — Uzbekistan Sum"
    VED = "VED", "VED — Bolivar Soberano"
    VES = "VES", "VES — Bolivar Soberano"
    VND = "VND", "VND — Dong"
    VUV = "VUV", "VUV — Vatu"
    WST = "WST", "WST — Tala"
    XAF = "XAF", "XAF — CFA Franc BEAC"
    XBT = "XBT", "XBT — Bitcoin"
    XCD = "XCD", "XCD — East Caribbean Dollar"
    XDR = "XDR", "XDR — International Monetary Fund (IMF) Special Drawing Right (SDR)"
    XOF = "XOF", "XOF — CFA Franc BCEAO"
    XPF = "XPF", "XPF — CFP Franc"
    YER = "YER", "YER — Yemeni Rial"
    ZAR = "ZAR", "ZAR — Rand"
    ZMW = "ZMW", "ZMW — Zambian Kwacha"
    ZWL = "ZWL", "ZWL — Zimbabwe Dollar"
