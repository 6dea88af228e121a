package dev.omnibridge.hub.knowledge;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.StopFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.WordlistLoader;
import org.apache.lucene.analysis.de.GermanLightStemFilter;
import org.apache.lucene.analysis.de.GermanNormalizationFilter;
import org.apache.lucene.analysis.en.EnglishPossessiveFilter;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.apache.lucene.analysis.es.SpanishLightStemFilter;
import org.apache.lucene.analysis.fr.FrenchAnalyzer;
import org.apache.lucene.analysis.fr.FrenchLightStemFilter;
import org.apache.lucene.analysis.it.ItalianLightStemFilter;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.apache.lucene.analysis.pt.PortugueseLightStemFilter;
import org.apache.lucene.analysis.snowball.SnowballFilter;
import org.apache.lucene.analysis.standard.StandardTokenizer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.util.ElisionFilter;
import org.apache.lucene.util.IOUtils;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The analyzer of each language: Lucene's chain for it (tokenizer, lower case, stop words, light stemmer: the same
 * filters as its {@code EnglishAnalyzer}, {@code GermanAnalyzer}, {@code FrenchAnalyzer}, {@code SpanishAnalyzer}...)
 * with two changes that matter for questions typed by customers: the stop words include the words every question
 * has ("how", "can", "please", "hello": the Snowball lists plus a few), so a match is about the subject and not
 * about the phrasing; and accents are folded after stemming, so "devolucion" finds "devolución". Languages without
 * their own chain get the standard tokenizer, lower case and folding.
 */
public final class LanguageAnalyzers {
    /** The languages with their own stemmer and stop words. */
    public static final List<String> STEMMED = List.of("en", "de", "fr", "es", "it", "pt", "nl");

    /** Words of asking, greeting and politeness, beyond the Snowball stop lists. */
    private static final Map<String, String> FILLERS = Map.of(
            "en", "can could would may might please hi hello hey thanks thank thx want wanted need like know tell "
                    + "help get anyone someone question ask asking wondering wonder guys team also still just really "
                    + "one possible way able",
            "de", "bitte hallo guten tag danke dank gern gerne möchte möchten würde würden kann könnten können "
                    + "frage fragen wissen sagen helfen hilfe mal eigentlich ich wie wo wann warum was gibt es "
                    + "möglich irgendwie bzw",
            "fr", "bonjour salut merci svp plait pouvez pourriez peux puis voudrais veux aimerais savoir dire "
                    + "aider aide question comment quand pourquoi quel quelle quels quelles est-ce possible "
                    + "faut faire",
            "es", "hola buenos buenas dias tardes gracias favor puedo puede pueden podría podrían quiero quisiera "
                    + "saber decir ayudar ayuda pregunta cómo como cuándo cuando dónde donde qué que por posible "
                    + "hay hacer tengo",
            "it", "ciao salve buongiorno grazie per favore posso può potete vorrei sapere dire aiutare aiuto "
                    + "domanda come quando dove perché cosa possibile",
            "pt", "olá ola bom dia obrigado obrigada favor posso pode podem gostaria quero saber dizer ajudar "
                    + "ajuda pergunta como quando onde porque possível");

    private LanguageAnalyzers() {
    }

    /** The analyzer for {@code language} (ISO 639-1); a standard one for languages without their own chain. */
    public static Analyzer of(String language) {
        String lang = language == null ? "" : language;
        return switch (lang) {
            case "en" -> chain(stop("snowball/english_stop.txt", "en"),
                    s -> new PorterStemFilter(s), s -> new EnglishPossessiveFilter(s));
            case "de" -> chain(stop("snowball/german_stop.txt", "de"),
                    s -> new GermanLightStemFilter(new GermanNormalizationFilter(s)), null);
            case "fr" -> chain(stop("snowball/french_stop.txt", "fr"), s -> new FrenchLightStemFilter(s),
                    s -> new ElisionFilter(s, FrenchAnalyzer.DEFAULT_ARTICLES));
            case "es" -> chain(stop("snowball/spanish_stop.txt", "es"), s -> new SpanishLightStemFilter(s), null);
            case "it" -> chain(stop("snowball/italian_stop.txt", "it"), s -> new ItalianLightStemFilter(s),
                    s -> new ElisionFilter(s, new CharArraySet(Arrays.asList("c", "l", "all", "dall", "dell", "nell",
                            "sull", "coll", "pell", "gl", "agl", "dagl", "degl", "negl", "sugl", "un", "m", "t", "s",
                            "v", "d"), true)));
            case "pt" -> chain(stop("snowball/portuguese_stop.txt", "pt"), s -> new PortugueseLightStemFilter(s),
                    null);
            case "nl" -> chain(stop("snowball/dutch_stop.txt", "nl"),
                    s -> new SnowballFilter(s, new org.tartarus.snowball.ext.DutchStemmer()), null);
            default -> chain(CharArraySet.EMPTY_SET, null, null);
        };
    }

    /** The terms the analyzer makes of {@code text}, in order (repeats kept). */
    public static List<String> terms(Analyzer analyzer, String field, String text) {
        List<String> out = new ArrayList<>();
        try (TokenStream ts = analyzer.tokenStream(field, text)) {
            CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
            ts.reset();
            while (ts.incrementToken()) {
                out.add(term.toString());
            }
            ts.end();
        } catch (IOException e) {
            throw new UncheckedIOException(e);   // in-memory text: not expected
        }
        return out;
    }

    private static Analyzer chain(CharArraySet stop, UnaryOperator<TokenStream> stem,
                                  UnaryOperator<TokenStream> beforeLowerCase) {
        return new Analyzer() {
            @Override
            protected TokenStreamComponents createComponents(String fieldName) {
                Tokenizer source = new StandardTokenizer();
                TokenStream s = beforeLowerCase == null ? source : beforeLowerCase.apply(source);
                s = new LowerCaseFilter(s);
                if (!stop.isEmpty()) {
                    s = new StopFilter(s, stop);
                }
                if (stem != null) {
                    s = stem.apply(s);
                }
                return new TokenStreamComponents(source, new ASCIIFoldingFilter(s));
            }

            @Override
            protected TokenStream normalize(String fieldName, TokenStream in) {
                return new ASCIIFoldingFilter(new LowerCaseFilter(in));
            }
        };
    }

    /** The Snowball stop list of the language, with its fillers, also without accents (customers skip them). */
    private static CharArraySet stop(String resource, String language) {
        try (var reader = IOUtils.getDecodingReader(SnowballFilter.class,
                "/org/apache/lucene/analysis/" + resource, StandardCharsets.UTF_8)) {
            CharArraySet set = WordlistLoader.getSnowballWordSet(reader);
            CharArraySet out = new CharArraySet(set.size() * 2 + 64, true);
            for (Object word : set) {
                String w = new String((char[]) word);
                out.add(w);
                out.add(fold(w));
            }
            for (String w : FILLERS.getOrDefault(language, "").split(" ")) {
                if (!w.isBlank()) {
                    out.add(w);
                    out.add(fold(w));
                }
            }
            return CharArraySet.unmodifiableSet(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read Lucene's stop words " + resource, e);
        }
    }

    private static String fold(String word) {
        return java.text.Normalizer.normalize(word, java.text.Normalizer.Form.NFD).replaceAll("\\p{M}", "");
    }
}
