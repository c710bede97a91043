package admin

import (
	"github.com/99designs/gqlgen/graphql"

	"storefront/graph/admin/model"
	"storefront/internal/catalog"
)

// productFields are the fields productSet, productCreate and productUpdate share.
type productFields struct {
	Handle          *string
	Title           *string
	DescriptionHTML *string
	Vendor          *string
	ProductType     *string
	Tags            []string
	Status          *model.ProductStatus
	Options         []*model.OptionSetInput
	Variants        []*model.ProductVariantSetInput
	Images          []*model.ImageSetInput
	Collections     []string
}

// toProductInput translates the GraphQL input; a list left out is nil, a list given empty
// is not.
func toProductInput(f productFields) catalog.ProductInput {
	in := catalog.ProductInput{
		Handle: f.Handle, Title: f.Title, DescriptionHTML: f.DescriptionHTML, Vendor: f.Vendor, ProductType: f.ProductType,
		Tags: f.Tags, HasTags: f.Tags != nil,
		Collections: f.Collections, HasCollections: f.Collections != nil,
		HasOptions: f.Options != nil, HasVariants: f.Variants != nil, HasImages: f.Images != nil,
	}
	if f.Status != nil {
		s := string(*f.Status)
		in.Status = &s
	}
	for _, o := range f.Options {
		in.Options = append(in.Options, catalog.OptionInput{Name: o.Name, Values: o.Values})
	}
	for _, v := range f.Variants {
		vi := catalog.VariantInput{
			SKU: v.Sku, Price: v.Price, InventoryQuantity: v.InventoryQuantity, Weight: v.Weight, RequiresShipping: v.RequiresShipping,
			CompareAtPrice: optional(v.CompareAtPrice), Barcode: optional(v.Barcode),
		}
		if v.WeightUnit != nil {
			u := string(*v.WeightUnit)
			vi.WeightUnit = &u
		}
		for _, ov := range v.OptionValues {
			vi.OptionValues = append(vi.OptionValues, catalog.OptionValueInput{OptionName: ov.OptionName, Name: ov.Name})
		}
		in.Variants = append(in.Variants, vi)
	}
	for _, img := range f.Images {
		in.Images = append(in.Images, catalog.ImageInput{URL: img.URL, AltText: img.AltText})
	}
	return in
}

func optional[T any](o graphql.Omittable[*T]) catalog.Optional[T] {
	v, set := o.ValueOK()
	if !set {
		return catalog.Optional[T]{}
	}
	return catalog.Optional[T]{Set: true, Value: v}
}
