package searchindex

import (
	"strings"

	"golang.org/x/net/html"
)

// StripHTML returns the text of an HTML fragment, words separated by spaces.
func StripHTML(s string) string {
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return b.String()
		case html.TextToken:
			b.Write(z.Text())
			b.WriteByte(' ')
		}
	}
}
