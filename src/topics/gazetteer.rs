//! Countries (with their adjectives and other names) and international organisations.

use rustc_hash::FxHashMap as HashMap;
use std::sync::LazyLock;

/// `Canonical|other name|adjective|...`, one country a line.
const COUNTRIES: &str = "\
Afghanistan|Afghan
Albania|Albanian
Algeria|Algerian
Angola|Angolan
Argentina|Argentine|Argentinian
Armenia|Armenian|Yerevan
Australia|Australian|Canberra
Austria|Austrian|Vienna
Azerbaijan|Azerbaijani|Baku
Bahrain|Bahraini
Bangladesh|Bangladeshi
Belarus|Belarusian|Byelorussian|Minsk|Republic of Belarus
Belgium|Belgian|Brussels
Bolivia|Bolivian
Bosnia and Herzegovina|Bosnian
Brazil|Brazilian|Brasilia
Bulgaria|Bulgarian|Sofia
Cambodia|Cambodian
Canada|Canadian|Ottawa
Chile|Chilean
China|Chinese|PRC|People's Republic of China|Beijing
Colombia|Colombian
Croatia|Croatian
Cuba|Cuban|Havana
Cyprus|Cypriot
Czech Republic|Czech|Czechia|Prague
Denmark|Danish|Copenhagen
Egypt|Egyptian|Cairo
Estonia|Estonian|Tallinn
Ethiopia|Ethiopian
Finland|Finnish|Helsinki
France|French|Paris
Georgia|Georgian|Tbilisi
Germany|German|Berlin
Ghana|Ghanaian
Greece|Greek|Athens
Haiti|Haitian
Hungary|Hungarian|Budapest
India|Indian|New Delhi
Indonesia|Indonesian|Jakarta
Iran|Iranian|Tehran
Iraq|Iraqi|Baghdad
Ireland|Irish|Dublin
Israel|Israeli
Italy|Italian|Rome
Japan|Japanese|Tokyo
Jordan|Jordanian
Kazakhstan|Kazakh|Astana
Kenya|Kenyan|Nairobi
North Korea|DPRK|Democratic People's Republic of Korea|Pyongyang
South Korea|Republic of Korea|Seoul
Kosovo|Kosovar
Kuwait|Kuwaiti
Kyrgyzstan|Kyrgyz|Bishkek
Laos|Lao|Laotian
Latvia|Latvian|Riga
Lebanon|Lebanese|Beirut
Libya|Libyan|Tripoli
Lithuania|Lithuanian|Vilnius
Malaysia|Malaysian
Mali|Malian
Mexico|Mexican
Moldova|Moldovan|Chisinau|Transnistria
Mongolia|Mongolian
Montenegro|Montenegrin
Morocco|Moroccan
Myanmar|Burma|Burmese
Netherlands|Dutch|The Hague|Holland
New Zealand
Nicaragua|Nicaraguan
Niger|Nigerien
Nigeria|Nigerian
North Macedonia|Macedonian
Norway|Norwegian|Oslo
Oman|Omani
Pakistan|Pakistani|Islamabad
Palestine|Palestinian|Gaza|West Bank
Panama|Panamanian
Peru|Peruvian
Philippines|Philippine|Filipino|Manila
Poland|Polish|Warsaw
Portugal|Portuguese|Lisbon
Qatar|Qatari|Doha
Romania|Romanian|Bucharest
Russia|Russian Federation|Russian|Moscow|Kremlin
Saudi Arabia|Saudi|Riyadh
Serbia|Serbian|Belgrade
Singapore|Singaporean
Slovakia|Slovak
Slovenia|Slovenian
Somalia|Somali
South Africa|South African|Pretoria
Spain|Spanish|Madrid
Sri Lanka|Sri Lankan
Sudan|Sudanese
Sweden|Swedish|Stockholm
Switzerland|Swiss|Geneva|Bern
Syria|Syrian|Damascus
Taiwan|Taiwanese|Taipei
Tajikistan|Tajik
Thailand|Thai|Bangkok
Tunisia|Tunisian
Turkey|Turkish|Türkiye|Ankara|Istanbul
Turkmenistan|Turkmen
Uganda|Ugandan
Ukraine|Ukrainian|Kyiv|Kiev|Donbass|Donbas|Crimea|Odessa
United Arab Emirates|UAE|Emirati|Abu Dhabi
United Kingdom|UK|U.K.|U.K|Britain|Great Britain|British|London
United States|US|U.S.|U.S|USA|U.S.A.|America|American|United States of America|Washington
Uruguay|Uruguayan
Uzbekistan|Uzbek|Tashkent
Venezuela|Venezuelan|Caracas
Vietnam|Viet Nam|Vietnamese|Hanoi
Yemen|Yemeni
Zimbabwe|Zimbabwean
";

/// `Canonical|other name|...`, one organisation a line.
const ORGANISATIONS: &str = "\
UN|United Nations|UN General Assembly
UN Security Council|Security Council|UNSC
OSCE|Organization for Security and Co-operation in Europe|Organisation for Security and Cooperation in Europe
NATO|North Atlantic Treaty Organization|North Atlantic Alliance
EU|European Union|European Commission|Brussels bureaucracy
CSTO|Collective Security Treaty Organisation|Collective Security Treaty Organization
SCO|Shanghai Cooperation Organisation|Shanghai Cooperation Organization
BRICS
G7|Group of Seven
G20|Group of Twenty
CIS|Commonwealth of Independent States
EAEU|Eurasian Economic Union|EAEU
Union State|Union State of Russia and Belarus
ASEAN|Association of Southeast Asian Nations
African Union|AU
Arab League|League of Arab States
IAEA|International Atomic Energy Agency
WHO|World Health Organization|World Health Organisation
IMF|International Monetary Fund
World Bank
WTO|World Trade Organization|World Trade Organisation
OPEC|OPEC+
Council of Europe
ICC|International Criminal Court
ICJ|International Court of Justice
UNESCO
UNICEF
UNHCR
Hamas
Hezbollah
Taliban
ISIS|ISIL|Islamic State|Daesh
Quad
AUKUS
APEC|Asia-Pacific Economic Cooperation
Pentagon
State Department|Department of State
White House
Kremlin
Foreign Ministry|Ministry of Foreign Affairs
Munich Security Conference|Munich Conference
";

/// One entry of the gazetteer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    pub name: &'static str,
    pub kind: &'static str,
}

fn load(table: &'static str, kind: &'static str, map: &mut HashMap<String, Entry>) {
    for line in table.lines().filter(|l| !l.trim().is_empty()) {
        let mut names = line.split('|');
        let canonical = names.next().unwrap_or_default().trim();
        let entry = Entry {
            name: canonical,
            kind,
        };
        for name in std::iter::once(canonical).chain(names) {
            map.entry(name.trim().to_string()).or_insert(entry);
        }
    }
}

/// Every name in the gazetteer, as printed (case matters: `US` is a country, `us` is not).
pub static NAMES: LazyLock<HashMap<String, Entry>> = LazyLock::new(|| {
    let mut map = HashMap::default();
    load(COUNTRIES, "country", &mut map);
    load(ORGANISATIONS, "organisation", &mut map);
    map
});

/// The words of a name after its first, and the entry it names.
pub type Continuation = (Vec<&'static str>, Entry);

/// The gazetteer's names by their first word, longest first: (the other words, entry).
pub static BY_FIRST_WORD: LazyLock<HashMap<&'static str, Vec<Continuation>>> =
    LazyLock::new(|| {
        let mut map: HashMap<&'static str, Vec<Continuation>> = HashMap::default();
        for (name, entry) in NAMES.iter() {
            let name: &'static str = Box::leak(name.clone().into_boxed_str());
            let mut words = name.split_whitespace();
            let Some(first) = words.next() else { continue };
            map.entry(first)
                .or_default()
                .push((words.collect(), *entry));
        }
        for list in map.values_mut() {
            list.sort_by_key(|(rest, _)| std::cmp::Reverse(rest.len()));
        }
        map
    });

/// Whether `word` names a country or its people (`Russia`, `Russian`, `US`).
pub fn is_place_word(word: &str) -> bool {
    NAMES.get(word).is_some_and(|e| e.kind == "country")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adjectives_resolve_to_their_country() {
        assert_eq!(NAMES["Ukrainian"].name, "Ukraine");
        assert_eq!(NAMES["Belarusian"].name, "Belarus");
        assert_eq!(NAMES["U.S."].name, "United States");
        assert_eq!(NAMES["OSCE"].kind, "organisation");
    }
}
