"""The demo world: organizations, service catalogs (with some entries translated into
community languages), contacts and one user per demo login.

Plain data, read by the seed_demo command; later issues add persons, cases, referrals,
agreements and forums beside it.
"""

from __future__ import annotations

from typing import Any

from tawasul.accounts.roles import Role
from tawasul.organizations.models import CenterDomain, OrganizationKind

MINISTRY: dict[str, Any] = {
    "code": "ministry-social-development",
    "kind": OrganizationKind.MINISTRY,
    "name_ar": "وزارة التنمية الاجتماعية والأسرة",
    "name_en": "Ministry of Social Development and Family",
    "languages": ["ar", "en"],
    "email": "oversight@msdf.example",
}

FOUNDATION: dict[str, Any] = {
    "code": "foundation",
    "kind": OrganizationKind.FOUNDATION,
    "name_ar": "المؤسسة الوطنية للعمل الاجتماعي",
    "name_en": "National Foundation for Social Work",
    "languages": ["ar", "en"],
    "email": "info@foundation.example",
    "phone": "+974 4000 0000",
}

# (domain, Arabic name, English name, services: (code, ar, en, description en, description ar))
CENTERS = [
    (CenterDomain.FAMILY, "مركز الاستشارات العائلية", "Family Consultation Center", [
        ("marital-counselling", "الإرشاد الزواجي", "Marital counselling",
         "Counselling for couples facing conflict, before and after marriage.",
         "إرشاد للأزواج الذين يواجهون خلافات، قبل الزواج وبعده."),
        ("custody-mediation", "الوساطة في الحضانة", "Custody mediation",
         "Mediation between separated parents on custody and visitation.",
         "وساطة بين الوالدين المنفصلين في الحضانة والرؤية."),
        ("family-reconciliation", "الإصلاح الأسري", "Family reconciliation",
         "Sessions that help families resolve disputes without court.",
         "جلسات تساعد الأسر على حل النزاعات دون اللجوء إلى المحكمة."),
    ]),
    (CenterDomain.ORPHANS, "مركز رعاية الأيتام", "Orphan Care Center", [
        ("foster-placement", "الاحتضان الأسري", "Foster family placement",
         "Placement of children without parental care with vetted foster families.",
         "إيداع الأطفال فاقدي الرعاية الوالدية لدى أسر حاضنة مؤهلة."),
        ("sponsorship", "الكفالة", "Sponsorship",
         "Financial and educational sponsorship of orphans.",
         "كفالة الأيتام ماليًا وتعليميًا."),
        ("aftercare", "الرعاية اللاحقة", "Aftercare for young adults",
         "Support for young people leaving care: housing, work, studies.",
         "دعم الشباب الخارجين من الرعاية: السكن والعمل والدراسة."),
    ]),
    (CenterDomain.PROTECTION, "مركز الحماية والتأهيل الاجتماعي", "Protection and Social Rehabilitation Center", [
        ("emergency-shelter", "الإيواء الطارئ", "Emergency shelter",
         "Safe shelter for women and children at risk of violence, day and night.",
         "إيواء آمن للنساء والأطفال المعرضين للعنف، ليلًا ونهارًا."),
        ("psychosocial-support", "الدعم النفسي والاجتماعي", "Psychosocial support",
         "Assessment and therapy for survivors of abuse and violence.",
         "تقييم وعلاج للناجين من الإساءة والعنف."),
        ("legal-accompaniment", "المرافقة القانونية", "Legal accompaniment",
         "Accompaniment to police, prosecution and courts.",
         "مرافقة إلى الشرطة والنيابة والمحاكم."),
    ]),
    (CenterDomain.YOUTH, "مركز تمكين الشباب", "Youth Empowerment Center", [
        ("mentoring", "الإرشاد والتوجيه", "Mentoring",
         "One-to-one mentoring for young people aged 15 to 24.",
         "إرشاد فردي للشباب من 15 إلى 24 عامًا."),
        ("skills-training", "التدريب على المهارات", "Skills training",
         "Life-skills and job-readiness workshops.",
         "ورش المهارات الحياتية والاستعداد لسوق العمل."),
        ("volunteering", "التطوع", "Volunteering programme",
         "Placement of young volunteers with community projects.",
         "إلحاق المتطوعين الشباب بمشاريع مجتمعية."),
    ]),
    (CenterDomain.DISABILITY, "مركز تأهيل ذوي الإعاقة", "Disability Rehabilitation Center", [
        ("rehabilitation", "إعادة التأهيل", "Rehabilitation",
         "Physiotherapy, occupational and speech therapy.",
         "العلاج الطبيعي والوظيفي وعلاج النطق."),
        ("assistive-devices", "الأجهزة المساعدة", "Assistive devices",
         "Assessment for and provision of wheelchairs, hearing aids and other devices.",
         "تقييم الحاجة إلى الكراسي المتحركة والسماعات وغيرها وتوفيرها."),
        ("inclusive-education", "التعليم الدامج", "Inclusive education support",
         "Support for schools including children with disabilities.",
         "دعم المدارس في دمج الأطفال ذوي الإعاقة."),
    ]),
    (CenterDomain.ELDERLY, "مركز رعاية كبار السن", "Elderly Care Center", [
        ("home-care", "الرعاية المنزلية", "Home care",
         "Visits by nurses and social workers to older people at home.",
         "زيارات الممرضين والأخصائيين الاجتماعيين لكبار السن في منازلهم."),
        ("day-club", "النادي النهاري", "Day club",
         "Daytime activities and company for older people.",
         "أنشطة نهارية ورفقة لكبار السن."),
        ("elder-protection", "حماية المسنين", "Elder protection",
         "Response to neglect and abuse of older people.",
         "الاستجابة لإهمال كبار السن والإساءة إليهم."),
    ]),
    (CenterDomain.BEHAVIORAL, "مركز الصحة السلوكية", "Behavioral Health Center", [
        ("addiction-treatment", "علاج الإدمان", "Addiction treatment",
         "Outpatient treatment and relapse prevention.",
         "علاج خارجي والوقاية من الانتكاس."),
        ("family-therapy", "العلاج الأسري", "Family therapy",
         "Therapy for families affected by addiction or behavioral disorders.",
         "علاج للأسر المتأثرة بالإدمان أو الاضطرابات السلوكية."),
        ("awareness", "التوعية", "Awareness programmes",
         "Prevention programmes in schools and communities.",
         "برامج وقائية في المدارس والمجتمعات."),
    ]),
]

# Every demo service has the same eligibility and referral instructions (seed_demo); here
# they are in the community languages the demo translations use.
TRANSLATED_ELIGIBILITY = {
    "tl": "Mga naninirahan sa bansa, anuman ang kanilang nasyonalidad.",
    "ne": "देशमा बसोबास गर्ने सबै, जुनसुकै राष्ट्रियताका भए पनि।",
    "ur": "ملک میں مقیم تمام افراد، خواہ ان کی قومیت کچھ بھی ہو۔",
}
TRANSLATED_HOW_TO_REFER = {
    "tl": "Mag-refer sa pamamagitan ng Tawasul o tumawag sa intake line ng sentro.",
    "ne": "Tawasul मार्फत रिफर गर्नुहोस् वा केन्द्रको दर्ता लाइनमा फोन गर्नुहोस्।",
    "ur": "تواصل کے ذریعے ریفر کریں یا مرکز کی انٹیک لائن پر کال کریں۔",
}

# Catalog entries in the languages of the communities that most use them:
# (domain, service code) -> {language: (name, description)}.
SERVICE_TRANSLATIONS: dict[tuple[str, str], dict[str, tuple[str, str]]] = {
    (CenterDomain.PROTECTION, "emergency-shelter"): {
        "tl": ("Pang-emergency na kanlungan",
               "Ligtas na matutuluyan para sa mga babae at batang nanganganib sa karahasan, "
               "araw man o gabi."),
        "ne": ("आपत्कालीन आश्रय",
               "हिंसाको जोखिममा रहेका महिला र बालबालिकाका लागि दिनरात सुरक्षित आश्रय।"),
        "ur": ("ہنگامی پناہ گاہ",
               "تشدد کے خطرے سے دوچار خواتین اور بچوں کے لیے دن رات محفوظ پناہ۔"),
    },
    (CenterDomain.PROTECTION, "psychosocial-support"): {
        "tl": ("Suportang psychosocial",
               "Pagsusuri at therapy para sa mga nakaligtas sa pang-aabuso at karahasan."),
        "ne": ("मनोसामाजिक सहयोग",
               "दुर्व्यवहार र हिंसाबाट बचेकाहरूका लागि मूल्याङ्कन र उपचार।"),
    },
    (CenterDomain.PROTECTION, "legal-accompaniment"): {
        "tl": ("Pagsama sa mga usaping legal",
               "Sasamahan ka sa pulisya, sa piskalya at sa mga korte."),
        "ne": ("कानुनी प्रक्रियामा साथ",
               "प्रहरी, सरकारी वकिल र अदालतसम्म साथमा जाने सेवा।"),
    },
    (CenterDomain.FAMILY, "marital-counselling"): {
        "tl": ("Pagpapayo sa mag-asawa",
               "Pagpapayo sa mga mag-asawang may hindi pagkakasundo, bago at pagkatapos ng "
               "kasal."),
    },
    (CenterDomain.YOUTH, "skills-training"): {
        "ne": ("सीप तालिम",
               "जीवनोपयोगी सीप र रोजगारीको तयारीसम्बन्धी कार्यशालाहरू।"),
    },
    (CenterDomain.ELDERLY, "home-care"): {
        "tl": ("Pangangalaga sa tahanan",
               "Pagbisita ng mga nars at social worker sa mga nakatatanda sa kanilang "
               "tahanan."),
    },
}

# (ISO country, Arabic name, English name, languages, consular focal point (en, ar), phone)
EMBASSIES = [
    ("PH", "سفارة جمهورية الفلبين", "Embassy of the Philippines", ["tl", "en"],
     ("Maria Santos", "ماريا سانتوس"), "+974 4483 1585"),
    ("IN", "سفارة جمهورية الهند", "Embassy of India", ["hi", "ml", "ta", "en"],
     ("Rajesh Kumar", "راجيش كومار"), "+974 4425 5777"),
    ("NP", "سفارة نيبال", "Embassy of Nepal", ["ne", "en"],
     ("Sita Sharma", "سيتا شارما"), "+974 4467 5681"),
    ("BD", "سفارة جمهورية بنغلاديش الشعبية", "Embassy of Bangladesh", ["bn", "en"],
     ("Abdul Karim", "عبد الكريم"), "+974 4467 1927"),
    ("EG", "سفارة جمهورية مصر العربية", "Embassy of Egypt", ["ar"],
     ("Ahmed Mostafa", "أحمد مصطفى"), "+974 4483 2555"),
    ("KE", "سفارة جمهورية كينيا", "Embassy of Kenya", ["sw", "en"],
     ("Grace Wanjiru", "غريس وانجيرو"), "+974 4493 1870"),
    ("LK", "سفارة سريلانكا", "Embassy of Sri Lanka", ["si", "ta", "en"],
     ("Nimal Perera", "نيمال بيريرا"), "+974 4467 7627"),
    ("PK", "سفارة جمهورية باكستان الإسلامية", "Embassy of Pakistan", ["ur", "en"],
     ("Imran Qureshi", "عمران قريشي"), "+974 4483 2525"),
    ("ID", "سفارة جمهورية إندونيسيا", "Embassy of Indonesia", ["id", "en"],
     ("Siti Rahayu", "سيتي راهايو"), "+974 4465 7945"),
    ("ET", "سفارة جمهورية إثيوبيا", "Embassy of Ethiopia", ["am", "en"],
     ("Tigist Alemu", "تيغيست أليمو"), "+974 4451 1006"),
    ("UG", "سفارة جمهورية أوغندا", "Embassy of Uganda", ["en", "sw"],
     ("Joseph Okello", "جوزيف أوكيلو"), "+974 4441 0370"),
    ("SD", "سفارة جمهورية السودان", "Embassy of Sudan", ["ar"],
     ("Omer Elhassan", "عمر الحسن"), "+974 4442 3007"),
    ("JO", "سفارة المملكة الأردنية الهاشمية", "Embassy of Jordan", ["ar"],
     ("Lina Haddad", "لينا حداد"), "+974 4483 2202"),
    ("TN", "سفارة الجمهورية التونسية", "Embassy of Tunisia", ["ar", "fr"],
     ("Sami Ben Ali", "سامي بن علي"), "+974 4454 2184"),
]

# (code, kind, Arabic name, English name, languages)
PARTNERS = [
    ("unesco", OrganizationKind.UN_AGENCY, "منظمة الأمم المتحدة للتربية والعلم والثقافة (اليونسكو)",
     "UNESCO", ["ar", "en", "fr"]),
    ("unicef", OrganizationKind.UN_AGENCY, "منظمة الأمم المتحدة للطفولة (يونيسف)", "UNICEF",
     ["ar", "en"]),
    ("iom", OrganizationKind.UN_AGENCY, "المنظمة الدولية للهجرة", "International Organization for Migration (IOM)",
     ["ar", "en"]),
    ("ilo", OrganizationKind.UN_AGENCY, "منظمة العمل الدولية", "International Labour Organization (ILO)",
     ["ar", "en"]),
    ("un-women", OrganizationKind.UN_AGENCY, "هيئة الأمم المتحدة للمرأة", "UN Women", ["ar", "en"]),
    ("ministry-labour", OrganizationKind.GOVERNMENT, "وزارة العمل", "Ministry of Labour", ["ar", "en"]),
    ("ministry-health", OrganizationKind.GOVERNMENT, "وزارة الصحة العامة", "Ministry of Public Health",
     ["ar", "en"]),
    ("red-crescent", OrganizationKind.NGO, "جمعية الهلال الأحمر", "Red Crescent Society", ["ar", "en"]),
]

# (username, organization code, role, Arabic name, English name)
USERS = [
    ("admin", "foundation", Role.ADMIN, "مدير النظام", "System Administrator"),
    ("liaison", "foundation", Role.LIAISON_OFFICER, "نورة الكعبي", "Noora Al-Kaabi"),
    ("intake", "foundation", Role.INTAKE_OFFICER, "خالد المري", "Khalid Al-Marri"),
    ("analyst", "foundation", Role.ANALYST, "مريم السليطي", "Maryam Al-Sulaiti"),
    ("ministry", "ministry-social-development", Role.SUPERVISOR, "عبد الله الكواري",
     "Abdullah Al-Kuwari"),
    ("protection.director", "center-protection", Role.DIRECTOR, "هند النعيمي", "Hind Al-Nuaimi"),
    ("protection.manager", "center-protection", Role.CASE_MANAGER, "فاطمة الهاجري",
     "Fatima Al-Hajri"),
    ("protection.staff", "center-protection", Role.STAFF, "سارة المهندي", "Sara Al-Mohannadi"),
    ("family.manager", "center-family", Role.CASE_MANAGER, "عائشة الدوسري", "Aisha Al-Dosari"),
    ("elderly.manager", "center-elderly", Role.CASE_MANAGER, "محمد العطية", "Mohammed Al-Attiyah"),
    ("orphans.manager", "center-orphans", Role.CASE_MANAGER, "شيخة البوعينين",
     "Sheikha Al-Buainain"),
    ("youth.manager", "center-youth", Role.CASE_MANAGER, "جاسم الخليفي", "Jassim Al-Khulaifi"),
    ("disability.manager", "center-disability", Role.CASE_MANAGER, "أسماء الملا",
     "Asma Al-Mulla"),
    ("behavioral.manager", "center-behavioral", Role.CASE_MANAGER, "يوسف الجابر",
     "Yousef Al-Jaber"),
    ("embassy.ph", "embassy-ph", Role.CONSULAR_OFFICER, "ماريا سانتوس", "Maria Santos"),
    ("embassy.in", "embassy-in", Role.CONSULAR_OFFICER, "راجيش كومار", "Rajesh Kumar"),
    ("embassy.np", "embassy-np", Role.CONSULAR_OFFICER, "سيتا شارما", "Sita Sharma"),
    ("unesco", "unesco", Role.PARTNER_FOCAL_POINT, "ليلى منصور", "Layla Mansour"),
]
