package graph

import (
	"context"
	"errors"
	"strings"

	"github.com/vikstrous/dataloadgen"

	"storefront/ent"
	"storefront/ent/schema"
	"storefront/graph/loader"
	"storefront/internal/gid"
	"storefront/internal/incontext"
	"storefront/internal/translation"
)

// translating returns the language this request's texts are translated into, "" when they
// stay in the shop language.
func translating(ctx context.Context) (string, error) {
	lang := incontext.From(ctx).Language
	if lang == "" {
		return "", nil
	}
	sh, err := loader.For(ctx).Shop()
	if err != nil || lang == sh.LanguageCode {
		return "", err
	}
	return lang, nil
}

// nameRef is one option or option value name to translate: the resource's global ID and the
// shop language's text.
type nameRef struct{ resourceID, def string }

// translatedNames translates names (key "name") into lang, falling back to the shop
// language's: all keys are asked of the loader before any is waited for, so they share a
// statement.
func translatedNames(ctx context.Context, lang string, refs []nameRef) ([]string, error) {
	l := loader.For(ctx)
	thunks := make([]func() (map[string]string, error), len(refs))
	for i, r := range refs {
		if r.resourceID != "" {
			thunks[i] = l.Translations.LoadThunk(ctx, translation.Key{Locale: lang, ResourceID: r.resourceID})
		}
	}
	out := make([]string, len(refs))
	for i, r := range refs {
		out[i] = r.def
		if thunks[i] == nil {
			continue
		}
		m, err := thunks[i]()
		if errors.Is(err, dataloadgen.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if v, ok := m["name"]; ok {
			out[i] = v
		}
	}
	return out, nil
}

// optionValueNames are an option's value names in the request's language.
func optionValueNames(ctx context.Context, o *ent.ProductOption) ([]string, error) {
	refs := make([]nameRef, len(o.Edges.Values))
	for i, v := range o.Edges.Values {
		refs[i] = nameRef{gid.Format(gid.ProductOptionValue, v.ID), v.Name}
	}
	lang, err := translating(ctx)
	if err != nil || lang == "" {
		out := make([]string, len(refs))
		for i, r := range refs {
			out[i] = r.def
		}
		return out, err
	}
	return translatedNames(ctx, lang, refs)
}

// optionName is a product option's or option value's name in the request's language.
func optionName(ctx context.Context, typ string, id int, def string) (string, error) {
	lang, err := translating(ctx)
	if err != nil || lang == "" {
		return def, err
	}
	out, err := translatedNames(ctx, lang, []nameRef{{gid.Format(typ, id), def}})
	if err != nil {
		return "", err
	}
	return out[0], nil
}

// variantOptions are a variant's selected options in the request's language: each name and
// value is matched, by its shop-language text, to the product's option and option value,
// whose translations are used; anything unmatched stays as it is.
func variantOptions(ctx context.Context, v *ent.ProductVariant) ([]*schema.SelectedOption, error) {
	out := make([]*schema.SelectedOption, len(v.SelectedOptions))
	for i, so := range v.SelectedOptions {
		out[i] = &schema.SelectedOption{Name: so.Name, Value: so.Value}
	}
	lang, err := translating(ctx)
	if err != nil || lang == "" || len(out) == 0 {
		return out, err
	}
	options, err := loader.For(ctx).Options.Load(ctx, v.ProductID)
	if err != nil {
		return nil, err
	}
	refs := make([]nameRef, 0, 2*len(out))
	for _, so := range out {
		name, value := nameRef{def: so.Name}, nameRef{def: so.Value}
		for _, o := range options {
			if o.Name != so.Name {
				continue
			}
			name.resourceID = gid.Format(gid.ProductOption, o.ID)
			for _, ov := range o.Edges.Values {
				if ov.Name == so.Value {
					value.resourceID = gid.Format(gid.ProductOptionValue, ov.ID)
				}
			}
		}
		refs = append(refs, name, value)
	}
	names, err := translatedNames(ctx, lang, refs)
	if err != nil {
		return nil, err
	}
	for i, so := range out {
		so.Name, so.Value = names[2*i], names[2*i+1]
	}
	return out, nil
}

// variantTitle is a variant's title in the request's language: a title made of its option
// values ("M / Black") is made of their translations; any other title stays as it is.
func variantTitle(ctx context.Context, v *ent.ProductVariant) (string, error) {
	lang, err := translating(ctx)
	if err != nil || lang == "" || len(v.SelectedOptions) == 0 {
		return v.Title, err
	}
	values := make([]string, len(v.SelectedOptions))
	for i, so := range v.SelectedOptions {
		values[i] = so.Value
	}
	if strings.Join(values, " / ") != v.Title {
		return v.Title, nil
	}
	opts, err := variantOptions(ctx, v)
	if err != nil {
		return "", err
	}
	for i, so := range opts {
		values[i] = so.Value
	}
	return strings.Join(values, " / "), nil
}

// shopSelection maps selected options that a storefront sends back in the request's
// language to the shop language's names, which variants are stored with: each name that
// is not a product option's shop-language name but is an option's translation becomes that
// option's name, and each value that is not one of the option's shop-language values but is
// one's translation becomes that value. Names compare case-insensitively when foldNames,
// values when foldValues; anything unmatched stays as sent. With no language (or the
// shop's), the selection is returned unchanged. The product's options' translations are
// read together, from what the listing's prefetch primed when there was one. options are
// the product's (productID's) options, or nil to load them only when translating.
func shopSelection(ctx context.Context, productID int, options []*ent.ProductOption, in []schema.SelectedOption, foldNames, foldValues bool) ([]schema.SelectedOption, error) {
	lang, err := translating(ctx)
	if err != nil || lang == "" || len(in) == 0 {
		return in, err
	}
	if options == nil {
		if options, err = loader.For(ctx).Options.Load(ctx, productID); err != nil {
			return nil, err
		}
	}
	var refs []nameRef
	for _, o := range options {
		refs = append(refs, nameRef{gid.Format(gid.ProductOption, o.ID), o.Name})
		for _, v := range o.Edges.Values {
			refs = append(refs, nameRef{gid.Format(gid.ProductOptionValue, v.ID), v.Name})
		}
	}
	names, err := translatedNames(ctx, lang, refs)
	if err != nil {
		return nil, err
	}
	eq := func(fold bool, a, b string) bool {
		if fold {
			return strings.EqualFold(a, b)
		}
		return a == b
	}
	// find returns the index of the entry whose shop-language name or, failing that,
	// translation equals s; -1 when none does.
	type entry struct{ def, tr string }
	find := func(es []entry, s string, fold bool) int {
		for i, e := range es {
			if eq(fold, e.def, s) {
				return i
			}
		}
		for i, e := range es {
			if eq(fold, e.tr, s) {
				return i
			}
		}
		return -1
	}
	opts := make([]entry, len(options))
	values := make([][]entry, len(options))
	at := 0
	for i, o := range options {
		opts[i] = entry{o.Name, names[at]}
		at++
		for _, v := range o.Edges.Values {
			values[i] = append(values[i], entry{v.Name, names[at]})
			at++
		}
	}
	out := make([]schema.SelectedOption, len(in))
	for i, so := range in {
		out[i] = so
		oi := find(opts, so.Name, foldNames)
		if oi < 0 {
			continue
		}
		out[i].Name = options[oi].Name
		if vi := find(values[oi], so.Value, foldValues); vi >= 0 {
			out[i].Value = options[oi].Edges.Values[vi].Name
		}
	}
	return out, nil
}
