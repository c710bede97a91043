package catalog

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParseQuery(t *testing.T) {
	term := func(v string) Term { return Term{Op: ":", Value: v} }
	field := func(f, op, v string) Term { return Term{Field: f, Op: op, Value: v} }
	tests := []struct {
		in   string
		want Expr
	}{
		{"", nil},
		{"   ", nil},
		{"shirt", term("shirt")},
		{"red shirt", And{term("red"), term("shirt")}},
		{"red AND shirt", And{term("red"), term("shirt")}},
		{"red OR blue shirt", Or{term("red"), And{term("blue"), term("shirt")}}},
		{"(red OR blue) shirt", And{Or{term("red"), term("blue")}, term("shirt")}},
		{"-tag:sale", Not{field("tag", ":", "sale")}},
		{"NOT vendor:acme", Not{field("vendor", ":", "acme")}},
		{`"red shirt"`, Term{Op: ":", Value: "red shirt", Phrase: true}},
		{`product_type:"Hoodies & Sweaters"`, Term{Field: "product_type", Op: ":", Value: "Hoodies & Sweaters", Phrase: true}},
		{"variants.price:>=10", field("variants.price", ">=", "10")},
		{"price:<5.50", field("price", "<", "5.50")},
		{"title:sho*", Term{Field: "title", Op: ":", Value: "sho", Prefix: true}},
		{"Title:Tee", field("title", ":", "Tee")},
		{`"unclosed quote`, Term{Op: ":", Value: "unclosed quote", Phrase: true}},
		{"stray) paren (", And{term("stray"), term("paren")}},
		{"AND OR", nil},
		{"a -", And{term("a"), term("-")}},
		{"50%_off", term("50%_off")},
	}
	for _, tt := range tests {
		q, err := ParseQuery(tt.in)
		if err != nil {
			t.Errorf("ParseQuery(%q) error %v", tt.in, err)
			continue
		}
		if !reflect.DeepEqual(q.Root, tt.want) {
			t.Errorf("ParseQuery(%q) = %#v, want %#v", tt.in, q.Root, tt.want)
		}
	}
}

func TestParseQueryLimits(t *testing.T) {
	for _, in := range []string{
		strings.Repeat("a", MaxQueryLength+1),
		strings.Repeat("a ", maxQueryTerms+1),
		strings.Repeat("(", 30) + "a" + strings.Repeat(")", 30),
	} {
		_, err := ParseQuery(in)
		var ie *InputError
		if !errors.As(err, &ie) {
			t.Errorf("ParseQuery(%.20q…) error = %v, want an InputError", in, err)
		}
	}
}

func TestQueryValueErrors(t *testing.T) {
	for _, in := range []string{"variants.price:>=abc", "available_for_sale:maybe", "created_at:>yesterday", "id:abc"} {
		q, err := ParseQuery(in)
		if err != nil {
			t.Fatal(err)
		}
		c := &textCompiler{dialect: "sqlite3", currency: "USD"}
		err = c.validate(c.convert(q.Root))
		var ie *InputError
		if !errors.As(err, &ie) {
			t.Errorf("%q: error = %v, want an InputError", in, err)
		}
	}
}
