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


class TransactionType(models.TextChoices):
    INCOMING_FUNDS = "1", _("Incoming Funds")
    OUTGOING_COMMITMENT = "2", _("Outgoing Commitment")
    DISBURSEMENT = "3", _("Disbursement")
    EXPENDITURE = "4", _("Expenditure")
    INTEREST_PAYMENT = "5", _("Interest Payment")
    LOAN_REPAYMENT = "6", _("Loan Repayment")
    REIMBURSEMENT = "7", _("Reimbursement")
    PURCHASE_OF_EQUITY = "8", _("Purchase of Equity")
    SALE_OF_EQUITY = "9", _("Sale of Equity")
    CREDIT_GUARANTEE = "10", _("Credit Guarantee")
    INCOMING_COMMITMENT = "11", _("Incoming Commitment")
    OUTGOING_PLEDGE = "12", _("Outgoing Pledge")
    INCOMING_PLEDGE = "13", _("Incoming Pledge")


class BudgetType(models.TextChoices):
    ORIGINAL = "1", _("Original")
    REVISED = "2", _("Revised")


class BudgetStatus(models.TextChoices):
    INDICATIVE = "1", _("Indicative")
    COMMITTED = "2", _("Committed")


class FlowType(models.TextChoices):
    F10 = "10", "10 — ODA"
    F21 = "21", "21 — Non-export credit OOF"
    F22 = "22", "22 — Officially supported export credits"
    F30 = "30", "30 — Private Development Finance"
    F36 = "36", "36 — Private Foreign Direct Investment"
    F37 = "37", "37 — Other Private flows at market terms"
    F40 = "40", "40 — Non flow"
    F50 = "50", "50 — Other flows"


class TiedStatus(models.TextChoices):
    PARTIALLY_TIED = "3", _("Partially tied")
    TIED = "4", _("Tied")
    UNTIED = "5", _("Untied")


class FinanceType(models.TextChoices):
    F1 = "1", "1 — GNI: Gross National Income"
    F110 = "110", "110 — Standard grant"
    F1100 = "1100", "1100 — Guarantees/insurance"
    F2 = "2", "2 — ODA % GNI"
    F210 = "210", "210 — Interest subsidy"
    F3 = "3", "3 — Total Flows % GNI"
    F310 = "310", "310 — Capital subscription on deposit basis"
    F311 = "311", "311 — Capital subscription on encashment basis"
    F4 = "4", "4 — Population"
    F421 = "421", "421 — Standard loan"
    F422 = "422", "422 — Reimbursable grant"
    F423 = "423", "423 — Bonds"
    F424 = "424", "424 — Asset-backed securities"
    F425 = "425", "425 — Other debt securities"
    F431 = "431", "431 — Subordinated loan"
    F432 = "432", "432 — Preferred equity"
    F433 = "433", "433 — Other hybrid instruments"
    F510 = "510", "510 — Common equity"
    F520 = "520", "520 — Shares in collective investment vehicles"
    F530 = "530", "530 — Reinvested earnings"
    F610 = "610", "610 — Debt forgiveness:  ODA claims (P)"
    F611 = "611", "611 — Debt forgiveness: ODA claims (I)"
    F612 = "612", "612 — Debt forgiveness: OOF claims (P)"
    F613 = "613", "613 — Debt forgiveness: OOF claims (I)"
    F614 = "614", "614 — Debt forgiveness:  Private claims (P)"
    F615 = "615", "615 — Debt forgiveness:  Private claims (I)"
    F616 = "616", "616 — Debt forgiveness: OOF claims (DSR)"
    F617 = "617", "617 — Debt forgiveness:  Private claims (DSR)"
    F618 = "618", "618 — Debt forgiveness: Other"
    F620 = "620", "620 — Debt rescheduling: ODA claims (P)"
    F621 = "621", "621 — Debt rescheduling: ODA claims (I)"
    F622 = "622", "622 — Debt rescheduling: OOF claims (P)"
    F623 = "623", "623 — Debt rescheduling: OOF claims (I)"
    F624 = "624", "624 — Debt rescheduling:  Private claims (P)"
    F625 = "625", "625 — Debt rescheduling:  Private claims (I)"
    F626 = "626", "626 — Debt rescheduling: OOF claims (DSR)"
    F627 = "627", "627 — Debt rescheduling:  Private claims (DSR)"
    F630 = "630", "630 — Debt rescheduling: OOF claim (DSR - original loan principal)"
    F631 = "631", "631 — Debt rescheduling: OOF claim (DSR - original loan interest)"
    F632 = "632", "632 — Debt rescheduling: Private claim (DSR - original loan principal)"
    F633 = "633", "633 — Debt forgiveness/conversion: export credit claims (P)"
    F634 = "634", "634 — Debt forgiveness/conversion:  export credit claims (I)"
    F635 = "635", "635 — Debt forgiveness:  export credit claims (DSR)"
    F636 = "636", "636 — Debt rescheduling:  export credit claims (P)"
    F637 = "637", "637 — Debt rescheduling:  export credit claims (I)"
    F638 = "638", "638 — Debt rescheduling:  export credit claims (DSR)"
    F639 = "639", "639 — Debt rescheduling:  export credit claim (DSR - original loan principal)"


class AidType(models.TextChoices):
    AA01 = "A01", "A01 — General budget support"
    AA02 = "A02", "A02 — Sector budget support"
    AB01 = "B01", "B01 — Core support to NGOs, other private bodies, PPPs and research institutes"
    AB02 = "B02", "B02 — Core contributions to multilateral institutions and global funds"
    AB021 = "B021", "B021 — Core contributions to multilateral institutions"
    AB022 = "B022", "B022 — Core contributions to global funds"
    AB03 = (
        "B03",
        "B03 — Contributions to specific-purpose programmes and funds managed by implementing partners",  # noqa: E501
    )
    AB031 = "B031", "B031 — Contributions to multi-donor/multi-entity funding mechanisms"
    AB032 = "B032", "B032 — Contributions to multi-donor/single-entity funding mechanisms"
    AB033 = (
        "B033",
        "B033 — Contributions to single-donor funding mechanisms and contributions earmarked for a specific funding window or geographical location",  # noqa: E501
    )
    AB04 = "B04", "B04 — Basket funds/pooled funding"
    AC01 = "C01", "C01 — Project-type interventions"
    AD01 = "D01", "D01 — Donor country personnel"
    AD02 = "D02", "D02 — Other technical assistance"
    AE01 = "E01", "E01 — Scholarships/training in donor country"
    AE02 = "E02", "E02 — Imputed student costs"
    AF01 = "F01", "F01 — Debt relief"
    AG01 = "G01", "G01 — Administrative costs not included elsewhere"
    AH01 = "H01", "H01 — Development awareness"
    AH02 = "H02", "H02 — Refugees/asylum seekers in donor countries"
    AH03 = "H03", "H03 — Asylum-seekers ultimately accepted"
    AH04 = "H04", "H04 — Asylum-seekers ultimately rejected"
    AH05 = "H05", "H05 — Recognised refugees"
    AH06 = "H06", "H06 — Refugees and asylum seekers in other provider countries"


class SectorVocabulary(models.TextChoices):
    DAC_5 = "1", _("OECD DAC CRS purpose codes (5 digit)")
    DAC_3 = "2", _("OECD DAC CRS purpose codes (3 digit)")
    COFOG = "3", _("Classification of the Functions of Government (UN)")
    NACE = "4", _("Statistical classification of economic activities in the European Community")
    NTEE = "5", _("National Taxonomy for Exempt Entities (USA)")
    AIDDATA = "6", _("AidData")
    SDG_GOAL = "7", _("SDG Goal")
    SDG_TARGET = "8", _("SDG Target")
    SDG_INDICATOR = "9", _("SDG Indicator")
    HUMANITARIAN_CLUSTERS = "10", _("Humanitarian Global Clusters (IASC)")
    NAICS = "11", _("North American Industry Classification System (NAICS)")
    UN_SYSTEM_FUNCTION = "12", _("UN System Function")
    REPORTING_ORGANISATION = "99", _("Reporting Organisation")
    REPORTING_ORGANISATION_2 = "98", _("Reporting Organisation 2")


class PolicyMarkerVocabulary(models.TextChoices):
    OECD_DAC_CRS = "1", _("OECD DAC CRS")
    REPORTING_ORGANISATION = "99", _("Reporting Organisation")


class PolicyMarker(models.TextChoices):
    GENDER_EQUALITY = "1", _("Gender equality")
    AID_TO_ENVIRONMENT = "2", _("Aid to environment")
    PARTICIPATORY_DEVELOPMENT = "3", _("Participatory development / good governance")
    TRADE_DEVELOPMENT = "4", _("Trade development")
    BIODIVERSITY = "5", _("Biological diversity")
    CLIMATE_MITIGATION = "6", _("Climate change: mitigation")
    CLIMATE_ADAPTATION = "7", _("Climate change: adaptation")
    DESERTIFICATION = "8", _("Desertification")
    RMNCH = "9", _("Reproductive, maternal, newborn and child health")
    DISASTER_RISK_REDUCTION = "10", _("Disaster risk reduction")
    DISABILITY = "11", _("Disability")
    NUTRITION = "12", _("Nutrition")


class PolicySignificance(models.TextChoices):
    NOT_TARGETED = "0", _("Not targeted")
    SIGNIFICANT = "1", _("Significant objective")
    PRINCIPAL = "2", _("Principal objective")
    PRINCIPAL_AND_ACTION_PROGRAMME = (
        "3",
        _("Principal objective and in support of an action programme"),
    )
    EXPLICIT_PRIMARY = "4", _("Explicit primary objective")


class ActivityScope(models.TextChoices):
    GLOBAL = "1", _("Global")
    REGIONAL = "2", _("Regional")
    MULTI_NATIONAL = "3", _("Multi-national")
    NATIONAL = "4", _("National")
    SUB_NATIONAL_MULTI = "5", _("Sub-national: several first-level administrative areas")
    SUB_NATIONAL_FIRST = "6", _("Sub-national: one first-level administrative area")
    SUB_NATIONAL_SECOND = "7", _("Sub-national: one second-level administrative area")
    SINGLE_LOCATION = "8", _("Single location")


class CollaborationType(models.TextChoices):
    BILATERAL = "1", _("Bilateral")
    MULTILATERAL_INFLOWS = "2", _("Multilateral (inflows)")
    BILATERAL_CORE_NGO = "3", _("Bilateral, core contributions to NGOs and other private bodies")
    MULTILATERAL_OUTFLOWS = "4", _("Multilateral outflows")
    PRIVATE_SECTOR_OUTFLOWS = "6", _("Private sector outflows")
    BILATERAL_EX_POST = "7", _("Bilateral, ex-post reporting on NGOs' activities")
    TRIANGULAR = "8", _("Bilateral, triangular co-operation")


class ContactType(models.TextChoices):
    GENERAL = "1", _("General enquiries")
    PROJECT_MANAGEMENT = "2", _("Project management")
    FINANCIAL_MANAGEMENT = "3", _("Financial management")
    COMMUNICATIONS = "4", _("Communications")


class DescriptionType(models.TextChoices):
    GENERAL = "1", _("General")
    OBJECTIVES = "2", _("Objectives")
    TARGET_GROUPS = "3", _("Target groups")
    OTHER = "4", _("Other")
