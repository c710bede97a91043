// Package translation owns the merchant's translations of the shop's texts: product,
// product option and option value, collection, page, menu item and article fields in
// languages other than the shop's, written through the Admin API and read, in one batched
// lookup, for the language a request asks for.
package translation

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"entgo.io/ent/dialect/sql"
	"golang.org/x/text/language"

	"storefront/ent"
	"storefront/ent/article"
	"storefront/ent/collection"
	"storefront/ent/menuitem"
	"storefront/ent/page"
	"storefront/ent/predicate"
	"storefront/ent/product"
	"storefront/ent/productoption"
	"storefront/ent/productoptionvalue"
	"storefront/ent/shop"
	enttranslation "storefront/ent/translation"
	"storefront/internal/audit"
	"storefront/internal/gid"
	"storefront/internal/store"
	"storefront/internal/usererror"
)

// Translatable keys by resource type, as Shopify names them: a product option's name and
// each of its values' names are resources of their own (PRODUCT_OPTION and
// PRODUCT_OPTION_VALUE), keyed "name".
var keys = map[string][]string{
	gid.Product:            {"title", "body_html"},
	gid.ProductOption:      {"name"},
	gid.ProductOptionValue: {"name"},
	gid.Collection:         {"title", "body_html"},
	gid.Page:               {"title", "body_html"},
	gid.MenuItem:           {"title"},
	"Article":              {"title", "body_html", "summary_html"},
}

// User error codes of translation writes (Shopify's TranslationErrorCode names).
const (
	ResourceNotFound     = "RESOURCE_NOT_FOUND"
	InvalidKeyForModel   = "INVALID_KEY_FOR_MODEL"
	InvalidCode          = "INVALID_CODE"
	InvalidLocaleForShop = "INVALID_LOCALE_FOR_SHOP"
)

var localeRE = regexp.MustCompile(`^[a-zA-Z]{2,3}([-_][a-zA-Z]{2,4})?$`)

// LanguageCode turns a locale ("fr", "pt-BR") into a Storefront API LanguageCode ("FR",
// "PT_BR"); ok is false when it is not a language.
func LanguageCode(locale string) (string, bool) {
	if !localeRE.MatchString(locale) {
		return "", false
	}
	t, err := language.Parse(locale)
	if err != nil || t == language.Und {
		return "", false
	}
	return strings.ToUpper(strings.ReplaceAll(locale, "-", "_")), true
}

// Service reads and writes translations. It is safe for concurrent use.
type Service struct{ db *store.DB }

// New returns the translation service over db.
func New(db *store.DB) *Service { return &Service{db: db} }

// Input is one translation as translationsRegister takes it.
type Input struct {
	Key, Locale, Value string
}

// Register sets translations of one resource, replacing those of the same key and locale,
// in one transaction. User error codes: RESOURCE_NOT_FOUND (resourceId), INVALID_KEY_FOR_MODEL,
// INVALID_CODE (a locale that is not a language), INVALID_LOCALE_FOR_SHOP (the shop's own
// language), BLANK (an empty value).
func (s *Service) Register(ctx context.Context, resourceID string, in []Input) ([]*ent.Translation, []usererror.Error, error) {
	var out []*ent.Translation
	uerrs, err := audit.Write(ctx, s.db, func(tx *ent.Tx) (string, map[string]any, []usererror.Error, error) {
		typ, ok, err := resourceExists(ctx, tx.Client(), resourceID)
		if err != nil {
			return "", nil, nil, err
		}
		if !ok {
			return "", nil, []usererror.Error{usererror.New(ResourceNotFound, "No such translatable resource.", "resourceId")}, nil
		}
		shopLang, err := tx.Shop.Query().Select(shop.FieldLanguageCode).Strings(ctx)
		if err != nil || len(shopLang) == 0 {
			return "", nil, nil, fmt.Errorf("read shop language: %w", err)
		}
		var e []usererror.Error
		codes := make([]string, len(in))
		for i, t := range in {
			if !slices.Contains(keys[typ], t.Key) {
				e = append(e, usererror.New(InvalidKeyForModel, fmt.Sprintf("A %s has no translatable key %q; it has %s.", typ, t.Key, strings.Join(keys[typ], ", ")), "translations", i, "key"))
			}
			code, ok := LanguageCode(t.Locale)
			switch {
			case !ok:
				e = append(e, usererror.New(InvalidCode, "The locale is a language code such as fr or pt-BR.", "translations", i, "locale"))
			case code == shopLang[0]:
				e = append(e, usererror.New(InvalidLocaleForShop, "The shop's own language needs no translation.", "translations", i, "locale"))
			}
			if strings.TrimSpace(t.Value) == "" {
				e = append(e, usererror.New(usererror.Blank, "The value can't be blank.", "translations", i, "value"))
			}
			codes[i] = code
		}
		if len(e) > 0 {
			return "", nil, e, nil
		}
		changes := map[string]any{}
		for i, t := range in {
			id, err := tx.Translation.Create().SetResourceID(resourceID).SetKey(t.Key).SetLocale(codes[i]).SetValue(t.Value).
				OnConflict(sql.ConflictColumns(enttranslation.FieldResourceID, enttranslation.FieldKey, enttranslation.FieldLocale)).
				UpdateValue().UpdateUpdatedAt().ID(ctx)
			if err != nil {
				return "", nil, nil, fmt.Errorf("save translation %s %s: %w", t.Key, codes[i], err)
			}
			tr, err := tx.Translation.Get(ctx, id)
			if err != nil {
				return "", nil, nil, fmt.Errorf("read translation back: %w", err)
			}
			out = append(out, tr)
			changes[codes[i]+"."+t.Key] = t.Value
		}
		return resourceID, changes, nil, nil
	})
	if err != nil || len(uerrs) > 0 {
		return nil, uerrs, err
	}
	return out, nil, nil
}

// Remove deletes the translations of the keys in the locales of one resource and returns
// them. User error codes: RESOURCE_NOT_FOUND (resourceId), INVALID_CODE (locales).
func (s *Service) Remove(ctx context.Context, resourceID string, keys, locales []string) ([]*ent.Translation, []usererror.Error, error) {
	var out []*ent.Translation
	uerrs, err := audit.Write(ctx, s.db, func(tx *ent.Tx) (string, map[string]any, []usererror.Error, error) {
		_, ok, err := resourceExists(ctx, tx.Client(), resourceID)
		if err != nil {
			return "", nil, nil, err
		}
		if !ok {
			return "", nil, []usererror.Error{usererror.New(ResourceNotFound, "No such translatable resource.", "resourceId")}, nil
		}
		codes := make([]string, len(locales))
		var e []usererror.Error
		for i, l := range locales {
			code, ok := LanguageCode(l)
			if !ok {
				e = append(e, usererror.New(InvalidCode, "The locale is a language code such as fr or pt-BR.", "locales", i))
			}
			codes[i] = code
		}
		if len(e) > 0 {
			return "", nil, e, nil
		}
		where := enttranslation.And(enttranslation.ResourceID(resourceID), enttranslation.KeyIn(keys...), enttranslation.LocaleIn(codes...))
		if out, err = tx.Translation.Query().Where(where).Order(ent.Asc(enttranslation.FieldID)).All(ctx); err != nil {
			return "", nil, nil, fmt.Errorf("load translations: %w", err)
		}
		if len(out) == 0 {
			return "", nil, nil, nil
		}
		if _, err := tx.Translation.Delete().Where(where).Exec(ctx); err != nil {
			return "", nil, nil, fmt.Errorf("delete translations: %w", err)
		}
		return resourceID, map[string]any{"removed": len(out)}, nil, nil
	})
	if err != nil || len(uerrs) > 0 {
		return nil, uerrs, err
	}
	return out, nil, nil
}

// resourceExists reports the type of a translatable resource's global ID and whether it exists.
func resourceExists(ctx context.Context, c *ent.Client, id string) (string, bool, error) {
	typ, n, ok := gid.Parse(id)
	if !ok {
		return "", false, nil
	}
	if gid.Format(typ, n) != id {
		return typ, false, nil // gid://shopify/… IDs are read elsewhere; translations key on ours
	}
	var exist bool
	var err error
	switch typ {
	case gid.Product:
		exist, err = c.Product.Query().Where(product.ID(n)).Exist(ctx)
	case gid.ProductOption:
		exist, err = c.ProductOption.Query().Where(productoption.ID(n)).Exist(ctx)
	case gid.ProductOptionValue:
		exist, err = c.ProductOptionValue.Query().Where(productoptionvalue.ID(n)).Exist(ctx)
	case gid.Collection:
		exist, err = c.Collection.Query().Where(collection.ID(n)).Exist(ctx)
	case gid.Page:
		exist, err = c.Page.Query().Where(page.ID(n)).Exist(ctx)
	case gid.MenuItem:
		exist, err = c.MenuItem.Query().Where(menuitem.ID(n)).Exist(ctx)
	case "Article":
		exist, err = c.Article.Query().Where(article.ID(n)).Exist(ctx)
	default:
		return typ, false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("check %s: %w", id, err)
	}
	return typ, exist, nil
}

// Key is one resource's translations looked up in one language.
type Key struct {
	Locale, ResourceID string
}

// Lookup returns, for each key, the translated values by field key: one statement for all
// of them. Resources without translations in the language are absent.
func (s *Service) Lookup(ctx context.Context, ks []Key) (map[Key]map[string]string, error) {
	byLocale := map[string][]string{}
	for _, k := range ks {
		byLocale[k.Locale] = append(byLocale[k.Locale], k.ResourceID)
	}
	var where []predicate.Translation
	for l, ids := range byLocale {
		where = append(where, enttranslation.And(enttranslation.Locale(l), enttranslation.ResourceIDIn(ids...)))
	}
	ts, err := s.db.Translation.Query().Where(enttranslation.Or(where...)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("load translations: %w", err)
	}
	out := map[Key]map[string]string{}
	for _, t := range ts {
		k := Key{Locale: t.Locale, ResourceID: t.ResourceID}
		if out[k] == nil {
			out[k] = map[string]string{}
		}
		out[k][t.Key] = t.Value
	}
	return out, nil
}

// Languages lists the LanguageCodes the shop has translations in, sorted.
func (s *Service) Languages(ctx context.Context) ([]string, error) {
	ls, err := s.db.Translation.Query().Unique(true).Select(enttranslation.FieldLocale).Strings(ctx)
	if err != nil {
		return nil, fmt.Errorf("load translation languages: %w", err)
	}
	slices.Sort(ls)
	return ls, nil
}
