"""Common given and family names of the Gulf, the wider Arab world and South Asia.

One line per name: Arabic spellings separated by "/", a colon, then Latin spellings
separated by commas (a line starting with "+" continues the Latin spellings of the line
above); the first Latin spelling is the canonical key. The same Latin spelling
may appear under two names (Rashid is both راشد and رشيد; Amina both آمنة and أمينة): the
lexicon then keeps both readings. Orthographic variants that normalization already folds
(أ/إ/ا, ة/ه, ى/ي, tashkeel, "Abdul X" / "Abdulx" / "Abd al-X", "Al-X" / "Alx") need not be
listed. Compiled by hand from common transliteration conventions (Gulf passports and IDs,
French-style Maghrebi spellings, South Asian spellings); it is a convenience for the most
frequent names, and the rule-based phonetic comparison must (and is measured to) work
without it.

ABD_NAMES lists the second half of «عبد ...» names; the lexicon builds "abd" + each spelling.
DIN_NAMES lists the first half of «... الدين» names; the lexicon builds each + "din".
"""

from __future__ import annotations

GIVEN_MALE = """
محمد: Mohammed, Muhammad, Mohamed, Mohammad, Mohamad, Muhammed, Muhamad, Mohamud, Mohd
+ Muhd, Md, Mehmet, Mohammod, Mouhamed, Mhammed
أحمد: Ahmed, Ahmad, Ahmet, Ahamed, Ahmmed
محمود: Mahmoud, Mahmood, Mahmud, Mehmood, Mahmod, Mahmut
مصطفى/مصطفي: Mustafa, Mostafa, Moustafa, Mustapha, Mostapha, Mustafah
علي: Ali, Aly, Alee
عمر: Omar, Umar, Omer, Oumar
عمرو: Amr, Amro, Amru, Amrou
عثمان: Othman, Osman, Usman, Uthman, Otman, Othmane, Osmane
حسن: Hassan, Hasan, Hassen, Hasen, Hassane
حسين: Hussein, Hussain, Husain, Hossein, Husayn, Hossain, Hosein, Husein, Hussien, Houssein, Hossin
خالد: Khalid, Khaled, Khaleed, Halid, Khaalid
يوسف: Youssef, Yousef, Yusuf, Yousif, Yosef, Yousuf, Yusef, Yussuf, Youssouf, Yusif, Yousaf
إبراهيم: Ibrahim, Ebrahim, Ibraheem, Brahim, Ibrahem, Ebraheem
إسماعيل: Ismail, Ismael, Esmail, Ismaeel, Ismayil, Ismaiel
إسحاق/اسحق: Ishaq, Ishak, Ishaque, Isaac
يعقوب: Yaqoub, Yacoub, Yakub, Yaqub, Yacoob, Yakoub, Yaqoob
موسى: Musa, Mousa, Moussa, Moosa, Mussa
عيسى: Isa, Eisa, Issa, Esa, Eissa
سليمان: Suleiman, Sulaiman, Soliman, Sulayman, Slimane, Suleman, Sulaman, Solaiman
داود/داوود: Dawood, Daoud, Dawud, Daud, Dawoud, Daood
هارون: Haroun, Harun, Haroon
يحيى/يحيي/يحى: Yahya, Yehia, Yahia, Yehya, Yahiya
زكريا/زكرياء: Zakaria, Zakariya, Zakariyya, Zakariah, Zacharia, Zakarya
إلياس/الياس: Ilyas, Elias, Elyas, Iliyas, Ilias
آدم: Adam, Aadam
نوح: Nooh, Nouh, Nuh
صالح: Saleh, Salih, Saalih
صلاح: Salah, Salaah
فيصل: Faisal, Faysal, Faisel, Feisal, Faycal
فهد: Fahad, Fahd, Fahed
سعود: Saud, Saoud, Sauod, Saood
سعد: Saad, Sa'ad, Saed, Saad
سعيد: Saeed, Said, Saied, Saeid, Sayeed, Saaid, Saiid
سيد/السيد: Sayed, Sayyid, Syed, Sayyed, Seyed, Said, Sayid
خليفة: Khalifa, Khalifah, Khaleefa, Kalifa
حمد: Hamad, Hammad
حامد: Hamed, Hamid, Haamed
حميد: Hameed, Humaid, Hamid, Homaid
جاسم: Jassim, Jasim, Jasem, Jassem, Gassim, Jaasim
قاسم: Qasim, Kassem, Qassim, Kasim, Gassim, Qassem, Casim, Kacem
ناصر: Nasser, Naser, Nasir, Nassir, Naseer
نصير: Naseer, Nasir, Nusair
منصور: Mansour, Mansoor, Mansur
مبارك: Mubarak, Mobarak, Mubarek, Moubarak
راشد: Rashid, Rashed, Rachid, Raashid
رشيد: Rasheed, Rashid, Rachid, Rachide
سلطان: Sultan, Soltan, Sultaan
ماجد: Majid, Majed, Maajid, Majd
مجيد: Majeed, Majid, Madjid
طارق: Tariq, Tarek, Tarik, Tareq, Tareck
زياد: Ziad, Ziyad, Zyad, Ziyaad
زيد: Zaid, Zayd, Zeid
زايد: Zayed, Zaied, Zayid
وليد: Walid, Waleed, Oualid, Valid
جمال: Jamal, Gamal, Djamel, Jamel, Jamaal
كمال: Kamal, Kemal
كامل: Kamel, Kamil, Kaamil
عادل: Adel, Adil, Aadil
عماد: Emad, Imad, Imed, Imaad
إياد: Iyad, Eyad, Eyaad
رامي: Rami, Ramy
سامي: Sami, Samy, Saami
هاني: Hani, Hany, Haani
فادي: Fadi, Fady
شادي: Shadi, Chadi, Shady
نبيل: Nabil, Nabeel
جميل: Jamil, Jameel, Gamil, Djamil
خليل: Khalil, Khaleel, Halil
إسلام: Islam, Eslam
أنس: Anas, Anes
أسامة: Osama, Usama, Oussama, Usamah, Ousama
أيمن: Ayman, Aiman, Eyman, Aymen
أمين: Amin, Ameen, Amine, Emin
أنور: Anwar, Anouar, Anwer
بشير: Bashir, Basheer, Bachir
بلال: Bilal, Belal
تامر: Tamer, Tamir
ثامر: Thamer, Thamir, Tamer
جابر: Jaber, Jabir, Gaber
جعفر: Jafar, Jaafar, Ja'far, Jaffar, Djafar
حاتم: Hatem, Hatim
حمزة: Hamza, Hamzah, Hamzeh
حمود: Hamoud, Hamood, Hammoud, Hamud
حمدان: Hamdan, Hamdaan
رضا: Reda, Ridha, Raza, Rida, Redha, Ridah
رياض: Riad, Riyadh, Riyad, Riaz
سالم: Salem, Salim, Saalim
سليم: Salim, Saleem, Selim, Slim
سلمان: Salman, Selman, Salmaan
شريف: Sharif, Cherif, Shareef, Sherif
طلال: Talal, Tallal
طه: Taha, Taaha
عامر: Amer, Aamer, Aamir, Amir
أمير: Amir, Ameer, Emir
عباس: Abbas, Abass
عدنان: Adnan, Adnaan
عزيز: Aziz, Azeez
علاء/علا: Alaa, Ala
عمار: Ammar, Amar, Ammaar
عوض: Awad, Awadh, Awadh
غانم: Ghanem, Ganem, Ghanim
فارس: Fares, Faris
فاروق: Farouk, Farooq, Faruk, Farouq, Faruq
فتحي: Fathi, Fathy, Fatehi, Fethi
فؤاد/فواد: Fouad, Fuad, Foad
كريم: Karim, Kareem, Kerim, Krim
لؤي/لوي: Louay, Luay, Loay, Loai, Luai
مازن: Mazen, Mazin
مالك: Malik, Malek, Maalik
مراد: Murad, Mourad, Morad
مروان: Marwan, Merwan
مشعل: Meshal, Mishal, Mishaal, Meshaal, Mashal
مهدي: Mahdi, Mehdi
نايف/نائف: Nayef, Naif, Nayif, Naef
نادر: Nader, Nadir
نزار: Nizar, Nezar
نعيم: Naeem, Naim, Naïm
هشام: Hisham, Hicham, Hesham
هيثم: Haitham, Haytham, Haisam, Heitham
وائل: Wael, Wail, Wa'el
ياسر: Yasser, Yaser, Yasir
ياسين: Yassin, Yaseen, Yacine, Yassine, Yasin
يونس: Younes, Yunus, Younis, Yunis, Younous, Younus
بدر: Badr, Bader, Badar
تركي: Turki, Turky
ذياب: Dhiab, Thiab, Diab, Dhiyab, Thiyab
ظافر: Dhafer, Zafer, Thafer, Zafar, Dhafir
كاظم: Kadhim, Kazem, Kazim, Kathem, Kadhem
ناظم: Nazim, Nadhim, Nazem, Nathem
فاضل: Fadhel, Fadel, Fazil, Fadil, Fadhil
رمضان: Ramadan, Ramadhan, Ramzan, Ramazan
عبيد: Obaid, Ubaid, Obeid, Obaed
غازي: Ghazi, Ghazy, Gazi
مطلق: Mutlaq, Mutlak, Motlaq
مشاري: Meshari, Mishari, Mishary
نواف: Nawaf, Nawwaf, Nawaaf
بندر: Bandar, Bander
شاهين: Shaheen, Shahin
جواد: Jawad, Javad, Jawwad
حيدر: Haidar, Hayder, Haider, Heidar, Haydar
مرتضى: Murtaza, Mortada, Murtadha, Mortaza
مجتبى: Mujtaba, Mojtaba
رحيم: Rahim, Raheem
عمران: Imran, Emran, Omran
عرفان: Irfan, Erfan
فرحان: Farhan, Farhaan
ريحان: Rehan, Raihan, Rayhan
شهزاد: Shahzad, Shehzad
شاهد: Shahid, Shahed
زاهد: Zahid, Zahed
ساجد: Sajid, Sajed
نعمان: Noman, Nouman, Numan, Nauman
عاصم: Asim, Assem, Aasim, Asem
عارف: Arif, Aref, Aarif
طاهر: Tahir, Taher
ظهير: Zaheer, Zahir, Dhaheer
نديم: Nadeem, Nadim
وسيم: Waseem, Wasim, Vasim
أكبر: Akbar
أصغر: Asghar
أشرف: Ashraf
أفضل: Afzal, Afdal
أرشد: Arshad
أسد: Asad, Assad
إقبال: Iqbal, Ikbal
إعجاز: Ijaz, Ejaz
امتياز: Imtiaz, Imtiyaz
افتخار: Iftikhar
إرشاد: Irshad
جاويد/جاوید: Javed, Javaid, Jawed, Javid
خرم: Khurram
ذوالفقار: Zulfiqar, Zulfikar
رفيق: Rafiq, Rafik, Rafeeq
شفيق: Shafiq, Chafik, Shafeek
صادق: Sadiq, Sadek, Sadeq, Sadik
صديق: Siddiq, Siddique, Sedik, Seddik
عابد: Abid, Abed
عاطف: Atif, Atef
قمر: Qamar, Kamar
مختار: Mukhtar, Mokhtar
منير: Munir, Mounir, Muneer
نور: Noor, Nour, Nur
حافظ: Hafiz, Hafez, Hafidh
حمدي: Hamdi, Hamdy
رفعت: Refaat, Rifaat, Rifat
شوقي: Shawki, Chawki, Shawqi
صبري: Sabri, Sabry
عزت: Ezzat, Izzat
مجدي: Magdy, Majdi, Magdi
ممدوح: Mamdouh, Mamdooh, Mamduh
هلال: Hilal, Helal
سيف: Saif, Sayf, Seif
راكان: Rakan, Raakan
عبدو/عبده: Abdo, Abdou, Abduh, Abdu
أبو بكر/ابوبكر: Abubakar, Abu Bakr, Abubakr, Aboubakar, Abou Bakr, Abubaker
"""

GIVEN_FEMALE = """
فاطمة: Fatima, Fatma, Fatimah, Fatemeh, Fatme, Fatmeh, Fatouma, Faatima
عائشة/عايشة: Aisha, Aysha, Ayesha, Aicha, Aishah, Aesha, Ayisha
خديجة: Khadija, Khadijah, Khadeeja, Khadiga, Khadidja
مريم: Maryam, Mariam, Meriem, Miriam, Mariyam, Maryem, Mariem
زينب: Zainab, Zeinab, Zaynab, Zineb, Zenab
سارة: Sara, Sarah, Saara
هند: Hind, Hend
نورة: Noura, Nora, Norah, Nourah, Noora
منى: Mona, Muna, Mouna
هدى: Huda, Hoda, Houda
ليلى: Laila, Leila, Layla, Leyla, Layla
سلمى: Salma, Selma
أسماء/اسما: Asma, Asmaa, Esma, Asmae
آمنة: Amna, Amina, Aminah, Amena, Aamina
أمينة: Amina, Ameena, Aminah
حليمة: Halima, Haleema, Halimah
رقية: Ruqayya, Ruqaya, Rokaya, Roqaya, Ruqaiya, Rukaya
سمية: Sumaya, Somaya, Soumaya, Sumayyah, Sumaiya
هاجر: Hajar, Hager, Hadjer
حنان: Hanan, Hanane
إيمان: Iman, Eman, Imane
أمل: Amal
رانيا: Rania, Ranya
ريم: Reem, Rim, Rym
دانة: Dana, Danah
لطيفة: Latifa, Lateefa, Latifah
شيخة: Sheikha, Shaikha, Cheikha, Shaykha
موزة: Moza, Mouza, Mozah
عنود/العنود: Anoud, Alanoud, Anood
جوهرة/الجوهرة: Jawhara, Jawaher, Johara, Jouhara
مها: Maha
نوف: Nouf, Nof, Nuf
جواهر: Jawaher, Jawahir
عبير: Abeer, Abir
وفاء: Wafaa, Wafa
رشا: Rasha, Racha
لمى: Lama
هيفاء: Haifa, Haifaa, Hayfa
نجلاء: Najla, Najlaa, Nejla
صفية: Safia, Safiya, Safiyya, Safiyah
نادية: Nadia, Nadiya
سعاد: Suad, Souad, Soad
رحمة: Rahma, Rahmah
حصة: Hessa, Hissa, Hessah
علياء: Alyaa, Alya, Aliaa, Alia
عالية: Aliya, Alia, Aaliya, Aaliyah
غادة: Ghada
هالة: Hala
ياسمين: Yasmin, Yasmine, Yasmeen, Jasmin
شيماء: Shaimaa, Shaima, Chaimae, Shayma
دعاء: Doaa, Duaa, Dua, Doua
آلاء: Alaa, Ala'a
إسراء: Israa, Esraa, Isra, Esra
بشرى: Bushra, Boushra, Bouchra
تسنيم: Tasneem, Tasnim
جميلة: Jamila, Jameela, Djamila, Gamila
خلود: Kholoud, Khulood, Kholood
دلال: Dalal
رحاب: Rehab, Rihab
روضة: Rawda, Rawdha, Rouda, Rauda
سهام: Siham, Seham
شهد: Shahad
عفاف: Afaf
غدير: Ghadeer, Ghadir
فرح: Farah
لبنى: Lubna, Loubna
مروة: Marwa, Marwah
ملك: Malak
نجوى: Najwa, Nejwa
نسرين: Nisreen, Nesrine, Nasrin, Nesreen
نهى: Noha, Nuha
هبة: Heba, Hiba
وداد: Widad, Wedad
زهرة/زهراء: Zahra, Zahraa, Zohra
صفاء: Safaa, Safa
ابتسام: Ibtisam, Ebtisam, Ibtissam
انتصار: Intisar, Entesar
نسيم: Naseem, Nasim
شبانة: Shabana
رضية: Razia, Radhia, Radia
سلطانة: Sultana
بروين/پروین: Parveen, Perveen, Parvin
نازية: Nazia
فرزانة: Farzana
رخسانة: Rukhsana
نرجس: Nargis, Narjis
سائرة/سايرة: Saira, Sairah
عظمى: Uzma
ثناء: Sana, Thanaa, Sanaa
سناء: Sanaa, Sana
رنا: Rana
لينا: Lina, Leena
دينا: Dina, Deena
هيا: Haya
جنى: Jana
ريما: Rima, Reema
سلوى: Salwa
كوثر: Kawthar, Kauther, Kawsar
"""

FAMILY = """
الكواري: Al-Kuwari, Kuwari, Kowari, Kuwary, Al-Kawari, Kawari
آل ثاني/ال ثاني: Al-Thani, Thani, Al Thani, Althani, Al-Thanie
المري: Al-Marri, Marri, Murri, Al-Murri
المناعي: Al-Mannai, Mannai, Manaie, Al-Manai
السليطي: Al-Sulaiti, Sulaiti, Sulaity, Slaiti, Al-Sulaity
الكعبي: Al-Kaabi, Kaabi, Kabi, Kaaby, Ka'abi
الهاجري: Al-Hajri, Hajri, Hajiri, Hajery, Al-Hajiri
النعيمي: Al-Naimi, Naimi, Nuaimi, Noaimi, Nuaimy, Al-Nuaimi
الدوسري: Al-Dosari, Dosari, Dossari, Dousari, Dawsari, Al-Dossary, Dossary
المهندي: Al-Mohannadi, Mohannadi, Muhannadi, Mohanadi
الأنصاري: Al-Ansari, Ansari
العمادي: Al-Emadi, Emadi, Imadi
المنصوري: Al-Mansouri, Mansouri, Mansoori, Mansuri
الشمري: Al-Shammari, Shammari, Shamari, Al-Shamari
القحطاني: Al-Qahtani, Qahtani, Kahtani, Gahtani
العتيبي: Al-Otaibi, Otaibi, Otaiby, Utaybi, Oteibi
الغامدي: Al-Ghamdi, Ghamdi, Ghamedi
الحربي: Al-Harbi, Harbi
الزهراني: Al-Zahrani, Zahrani
الشهراني: Al-Shahrani, Shahrani
المطيري: Al-Mutairi, Mutairi, Mutairy, Mtairi, Al-Mutairy
السبيعي: Al-Subaie, Subaie, Subaiey, Sebaei, Subai, Al-Subaiey
العنزي: Al-Anazi, Anazi, Enezi, Anzi, Enazi
الخليفي: Al-Khulaifi, Khulaifi, Khelaifi, Khulaifi
الخاطر: Al-Khater, Khater, Khatir
المالكي: Al-Maliki, Maliki, Malki
البوعينين: Al-Buainain, Buainain, Bu Ainain
السويدي: Al-Suwaidi, Suwaidi, Swaidi
الظاهري: Al-Dhaheri, Dhaheri, Zahiri, Daheri
الكتبي: Al-Ketbi, Ketbi, Kutbi
الفلاسي: Al-Falasi, Falasi
المهيري: Al-Mheiri, Mheiri, Muhairi
الشحي: Al-Shehhi, Shehhi, Shihhi
الرميثي: Al-Romaithi, Romaithi, Rumaithi
الحمادي: Al-Hammadi, Hammadi, Hamadi
البلوشي: Al-Balushi, Balushi, Baloushi, Bloushi, Baluchi
الرئيسي/الرئيسى: Al-Raisi, Raisi, Raeesi
الكندي: Al-Kindi, Kindi
الحارثي: Al-Harthi, Harthi, Harethy
البوسعيدي: Al-Busaidi, Busaidi
الهاشمي: Al-Hashimi, Hashimi, Hashemi
الموسوي: Al-Mousawi, Mousawi, Musawi, Moussaoui, Moosavi
الحسيني: Al-Husseini, Husseini, Hosseini, Husaini
الصباح: Al-Sabah, Sabah
الخالدي: Al-Khalidi, Khalidi, Khaldi
الشيخ: Al-Sheikh, Sheikh, Shaikh, Cheikh
المصري: Al-Masri, Masri, Masry
الحلبي: Al-Halabi, Halabi
التميمي: Al-Tamimi, Tamimi, Tamimy
الزعبي: Al-Zoubi, Zoubi, Zu'bi, Zubi
الخطيب: Al-Khatib, Khatib, Khateeb
النجار: Al-Najjar, Najjar, Naggar
الحداد: Al-Haddad, Haddad
العطار: Al-Attar, Attar
البغدادي: Al-Baghdadi, Baghdadi
الشامي: Al-Shami, Shami
خان: Khan
قريشي: Qureshi, Quraishi, Koreshi, Qurashi
صديقي: Siddiqui, Siddiqi, Sadiqi
شودري/چوہدری/چودھری: Chaudhry, Choudhury, Chowdhury, Chaudhary, Chaudhri
رانا: Rana
بيك/بيگ/بیگ: Baig, Beg, Bég
ميرزا: Mirza
رحمان/الرحمن: Rahman, Rehman, Rahmaan
حق: Haque, Haq, Huq
علم: Alam
ميا/مياه: Miah, Mia
إسلام: Islam
"""

# Second halves of «عبد ...» compounds.
ABD_NAMES = """
الله/له: lah, llah, la
الرحمن/رحمن: rahman, rehman, rahmane, rahmaan
الرحيم/رحيم: rahim, raheem, rahime
العزيز/عزيز: aziz, azeez, azis
الكريم/كريم: karim, kareem, kerim
اللطيف/لطيف: latif, lateef, latef
المجيد/مجيد: majid, majeed, majed
الحميد/حميد: hamid, hameed, hamed
القادر/قادر: qadir, kader, qader, kadir, gadir, kadar
الناصر/ناصر: nasser, naser, nasir
السلام/سلام: salam, salaam, selam
الهادي/هادي: hadi, hady
الوهاب/وهاب: wahab, wahhab, wahaab
الرزاق/رزاق: razzaq, razak, razaq, razzak, rezak
الغفور/غفور: ghafur, ghafour, ghafoor
الباسط/باسط: basit, baset
الحليم/حليم: halim, haleem
المحسن/محسن: muhsin, mohsen, mohsin
الإله/الاله/اله: ilah, elah
الجبار/جبار: jabbar, jabar
الستار/ستار: sattar, satar
العظيم/عظيم: azim, azeem, adheem
المنعم/منعم: munim, moneim, monem, mounaim
الفتاح/فتاح: fattah, fatah
الحكيم/حكيم: hakim, hakeem
الخالق/خالق: khaliq, khalek, khaleq
الملك/ملك: malik, malek
الواحد/واحد: wahid, waheed
الصمد/صمد: samad, samed
الجليل/جليل: jalil, jaleel
الرؤوف/رؤوف: rauf, raouf, raoof
الودود/ودود: wadud, wadood
النبي/نبي: nabi
الرسول/رسول: rasul, rasoul
الحسين/حسين: hussein, husain, hussain
الحافظ/حافظ: hafiz, hafeez, hafez
الغني/غني: ghani, ghanee
المطلب/مطلب: muttalib, mutalib
الباقي/باقي: baqi, baki
القيوم/قيوم: qayyum, qayum
"""

# First halves of «... الدين» compounds.
DIN_NAMES = """
نور: nour, noor, nur, nor
صلاح: salah, salaah, sala
علاء: ala, alaa, alla
عز: izz, ezz, iz, ez, izz
بدر: badr, bader, badar
خير: khair, khayr, kheir, khir
نجم: najm, nadjm, nejm
فخر: fakhr, fakhar, fakher
جمال: jamal, gamal, djamal, jamel
سيف: saif, sayf, seif, saif
زين: zain, zayn, zein, zine
تاج: taj, tadj
محي/محيي: muhi, mohi, mohy, muhy, mohie
شمس: shams, chams
شرف: sharaf, charaf
كمال: kamal, kemal
ناصر: nasir, naser, nasser
قمر: qamar, kamar
حسام: hussam, hossam, husam
عماد: imad, emad
"""


def _rows(block: str) -> list[tuple[list[str], list[str]]]:
    rows: list[tuple[list[str], list[str]]] = []
    for line in block.strip().splitlines():
        if line.startswith("+"):
            rows[-1][1].extend(v.strip() for v in line[1:].split(",") if v.strip())
            continue
        arabic, _, latin = line.partition(":")
        rows.append(
            (
                [a.strip() for a in arabic.split("/") if a.strip()],
                [v.strip() for v in latin.split(",") if v.strip()],
            )
        )
    return rows


def entries() -> list[tuple[str, list[str], list[str]]]:
    """(canonical key, Arabic spellings, Latin spellings) for every name, compounds included."""
    return [(canon, arabic, latin) for canon, arabic, latin, _ in entries_by_kind()]


def entries_by_kind() -> list[tuple[str, list[str], list[str], str]]:
    """The entries with their kind: "male", "female" or "family"."""
    out: list[tuple[str, list[str], list[str], str]] = []
    for block, kind in ((GIVEN_MALE, "male"), (GIVEN_FEMALE, "female"), (FAMILY, "family")):
        for arabic, latin in _rows(block):
            out.append((latin[0].lower(), arabic, latin, kind))
    for arabic, latin in _rows(ABD_NAMES):
        canon = "abd" + latin[0]
        out.append((canon, ["عبد" + a for a in arabic], ["abd " + v for v in latin], "male"))
    for arabic, latin in _rows(DIN_NAMES):
        canon = latin[0] + "uddin"
        out.append((canon, [a + " الدين" for a in arabic], [v + " uddin" for v in latin], "male"))
    return out
