// Package searchindex keeps the full-text index of the catalog (products, collections,
// pages) and translates search expressions into SQL for it. One Engine interface has two
// implementations: SQLite FTS4 with the Porter stemmer, and PostgreSQL tsvector with a GIN
// index and the english configuration. Text is folded (lower case, accents removed) in Go
// before it reaches either engine, so both match "Café" with "cafe" alike.
package searchindex

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Fold lowercases s and strips accents ("Crème Brûlée" → "creme brulee").
func Fold(s string) string {
	t := transform.Chain(norm.NFKD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	return strings.ToLower(out)
}

// Words splits folded text into words: runs of letters and digits.
func Words(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// Normalize is the form text is indexed in: folded words separated by single spaces, so
// both engines' parsers see the same words ("Oxford-0" is "oxford 0" to both).
func Normalize(s string) string { return strings.Join(FoldWords(s), " ") }

// FoldWords is Words(Fold(s)).
func FoldWords(s string) []string { return Words(Fold(s)) }

// stopwords are English words too common to narrow a search; queries drop them (unless
// quoted) so that both engines treat "the linen shirt" as "linen shirt".
var stopwords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`a an and are as at be but by for from has have in into is it its
		of on or that the their then there these they this to was were will with`) {
		stopwords[w] = true
	}
}

// IsStopword reports whether a folded word is an English stopword.
func IsStopword(w string) bool { return stopwords[w] }
