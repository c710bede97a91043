package searchindex

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"entgo.io/ent/dialect"
)

// The vocabulary lists the words of titles, vendors, product types, tags and option values,
// each under itself and under every one-letter deletion of it (a deletion neighbourhood).
// A query word with one typo shares a key with the word it misspells, so typo-tolerant
// lookup is an index range scan on both databases, whatever the catalog's size.

// MinTypoLength is the shortest query word that tolerates a typo; shorter words are too
// ambiguous ("hat" is one letter away from "cat", "bat", "hot").
const MinTypoLength = 5

const (
	vocabularyTable = "search_vocabulary"
	wordsTable      = "search_words"
)

func migrateVocabulary(ctx context.Context, db Conn) error {
	for _, q := range []string{
		"CREATE TABLE IF NOT EXISTS " + wordsTable + " (word TEXT PRIMARY KEY, documents INTEGER NOT NULL)",
		"CREATE TABLE IF NOT EXISTS " + vocabularyTable + " (key TEXT NOT NULL, word TEXT NOT NULL, PRIMARY KEY (key, word))",
		"CREATE INDEX IF NOT EXISTS " + vocabularyTable + "_word ON " + vocabularyTable + " (word)",
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("create the search vocabulary: %w", err)
		}
	}
	return nil
}

// deletions returns w and every string made by deleting one letter of it.
func deletions(w string) []string {
	rs := []rune(w)
	out := []string{w}
	seen := map[string]bool{w: true}
	for i := range rs {
		d := string(rs[:i]) + string(rs[i+1:])
		if !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	return out
}

// vocabularyOf returns the distinct words worth suggesting and correcting towards, sorted:
// no stopwords, no bare numbers, 2 to 40 letters.
func vocabularyOf(words []string) []string {
	var out []string
	for _, w := range words {
		if Countable(w) {
			out = append(out, w)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Countable reports whether a folded word belongs in the vocabulary: not a stopword, not a
// bare number, 2 to 40 letters.
func Countable(w string) bool {
	n := utf8.RuneCountInString(w)
	return n >= 2 && n <= 40 && !IsStopword(w) && strings.Trim(w, "0123456789") != ""
}

// updateVocabulary applies changes in how many documents use each word: words that gain
// their first document get their deletion keys, words that lose their last are removed.
func updateVocabulary(ctx context.Context, db Conn, dialectName string, delta map[string]int) error {
	var changed, added, dropped []string
	for w, d := range delta {
		if d != 0 {
			changed = append(changed, w)
		}
		if d > 0 {
			added = append(added, w)
		}
		if d < 0 {
			dropped = append(dropped, w)
		}
	}
	// Sorted, so concurrent writers lock words in the same order.
	slices.Sort(changed)
	ph := placeholders(dialectName)
	for start := 0; start < len(changed); start += 400 {
		batch := changed[start:min(start+400, len(changed))]
		args := make([]any, 0, 2*len(batch))
		rows := make([]string, len(batch))
		for i, w := range batch {
			rows[i] = "(" + ph(len(args)+1) + ", " + ph(len(args)+2) + ")"
			args = append(args, w, delta[w])
		}
		q := "INSERT INTO " + wordsTable + " (word, documents) VALUES " + strings.Join(rows, ", ") +
			" ON CONFLICT (word) DO UPDATE SET documents = " + wordsTable + ".documents + excluded.documents"
		if _, err := db.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("count search vocabulary: %w", err)
		}
	}
	if err := addKeys(ctx, db, dialectName, added); err != nil {
		return err
	}
	if len(dropped) == 0 {
		return nil
	}
	in, args := inList(dialectName, dropped)
	rows, err := db.QueryContext(ctx, "SELECT word FROM "+wordsTable+" WHERE word IN "+in+" AND documents <= 0", args...)
	if err != nil {
		return fmt.Errorf("find unused search vocabulary: %w", err)
	}
	var dead []string
	for rows.Next() {
		var w string
		if err := rows.Scan(&w); err != nil {
			rows.Close()
			return err
		}
		dead = append(dead, w)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(dead) == 0 {
		return err
	}
	in, args = inList(dialectName, dead)
	for _, t := range []string{wordsTable, vocabularyTable} {
		if _, err := db.ExecContext(ctx, "DELETE FROM "+t+" WHERE word IN "+in, args...); err != nil {
			return fmt.Errorf("remove unused search vocabulary: %w", err)
		}
	}
	return nil
}

// inList renders "(p1, p2, …)" with the dialect's placeholders, and the values as arguments.
func inList[T any](dialectName string, vals []T) (string, []any) {
	ph := placeholders(dialectName)
	args := make([]any, len(vals))
	marks := make([]string, len(vals))
	for i, v := range vals {
		args[i], marks[i] = v, ph(i+1)
	}
	return "(" + strings.Join(marks, ", ") + ")", args
}

func placeholders(dialectName string) func(int) string {
	if dialectName == dialect.Postgres {
		return func(i int) string { return fmt.Sprintf("$%d", i) }
	}
	return func(int) string { return "?" }
}

// addKeys files words of MinTypoLength-1 letters or more under themselves and their
// one-letter deletions.
func addKeys(ctx context.Context, db Conn, dialectName string, words []string) error {
	type pair struct{ key, word string }
	var pairs []pair
	for _, w := range words {
		if utf8.RuneCountInString(w) < MinTypoLength-1 {
			continue
		}
		for _, k := range deletions(w) {
			pairs = append(pairs, pair{k, w})
		}
	}
	ph := placeholders(dialectName)
	for start := 0; start < len(pairs); start += 400 {
		batch := pairs[start:min(start+400, len(pairs))]
		args := make([]any, 0, 2*len(batch))
		rows := make([]string, len(batch))
		for i, p := range batch {
			rows[i] = "(" + ph(len(args)+1) + ", " + ph(len(args)+2) + ")"
			args = append(args, p.key, p.word)
		}
		q := "INSERT INTO " + vocabularyTable + " (key, word) VALUES " + strings.Join(rows, ", ") + " ON CONFLICT DO NOTHING"
		if _, err := db.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("record search vocabulary: %w", err)
		}
	}
	return nil
}

// Corrections returns, for each query word of at least MinTypoLength letters that is not
// itself in the vocabulary, the vocabulary words one edit (insertion, deletion,
// substitution or transposition of neighbours) away. One statement for all the words.
func Corrections(ctx context.Context, db Conn, dialectName string, words []string) (map[string][]string, error) {
	var keys []string
	wanted := map[string]bool{}
	for _, w := range words {
		if utf8.RuneCountInString(w) < MinTypoLength || wanted[w] {
			continue
		}
		wanted[w] = true
		for _, k := range deletions(w) {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil, nil
	}
	in, args := inList(dialectName, keys)
	rows, err := db.QueryContext(ctx, "SELECT DISTINCT word FROM "+vocabularyTable+" WHERE key IN "+in, args...)
	if err != nil {
		return nil, fmt.Errorf("look up spelling corrections: %w", err)
	}
	defer rows.Close()
	var candidates []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		candidates = append(candidates, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	known := map[string]bool{}
	for _, c := range candidates {
		known[c] = true
	}
	out := map[string][]string{}
	for w := range wanted {
		if known[w] {
			continue // spelt as the catalog spells it
		}
		for _, c := range candidates {
			if editDistance(w, c) == 1 {
				out[w] = append(out[w], c)
			}
		}
	}
	return out, nil
}

// editDistance is the optimal string alignment distance (Damerau–Levenshtein without
// repeated edits of one substring).
func editDistance(a, b string) int {
	x, y := []rune(a), []rune(b)
	d := make([][]int, len(x)+1)
	for i := range d {
		d[i] = make([]int, len(y)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(x); i++ {
		for j := 1; j <= len(y); j++ {
			cost := 1
			if x[i-1] == y[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && x[i-1] == y[j-2] && x[i-2] == y[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(x)][len(y)]
}

// Completions returns up to limit catalog words that start with prefix (and are longer),
// the most used first.
func Completions(ctx context.Context, db Conn, dialectName, prefix string, limit int) ([]string, error) {
	if prefix == "" {
		return nil, nil
	}
	ph := placeholders(dialectName)
	q := "SELECT word FROM " + wordsTable + " WHERE word >= " + ph(1) + " AND word < " + ph(2) + " AND word <> " + ph(3) +
		" ORDER BY documents DESC, LENGTH(word), word LIMIT " + ph(4)
	rows, err := db.QueryContext(ctx, q, prefix, prefix+"\U0010FFFF", prefix, limit)
	if err != nil {
		return nil, fmt.Errorf("complete %q: %w", prefix, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var w string
		if err := rows.Scan(&w); err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// KnownWords reports which of the (folded) words some indexed document uses.
func KnownWords(ctx context.Context, db Conn, dialectName string, words []string) (map[string]bool, error) {
	out := map[string]bool{}
	words = vocabularyOf(words)
	if len(words) == 0 {
		return out, nil
	}
	in, args := inList(dialectName, words)
	rows, err := db.QueryContext(ctx, "SELECT word FROM "+wordsTable+" WHERE word IN "+in, args...)
	if err != nil {
		return nil, fmt.Errorf("look up catalog words: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var w string
		if err := rows.Scan(&w); err != nil {
			return nil, err
		}
		out[w] = true
	}
	return out, rows.Err()
}
