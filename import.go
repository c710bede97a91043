package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"storefront/internal/audit"
	"storefront/internal/catalog"
	"storefront/internal/store"
)

// importLine is one line of a products.jsonl import: productSet's input, in its names.
type importLine struct {
	Handle          *string  `json:"handle"`
	Title           *string  `json:"title"`
	DescriptionHTML *string  `json:"descriptionHtml"`
	Vendor          *string  `json:"vendor"`
	ProductType     *string  `json:"productType"`
	Tags            []string `json:"tags"`
	Status          *string  `json:"status"`
	Options         []struct {
		Name   string   `json:"name"`
		Values []string `json:"values"`
	} `json:"options"`
	Variants []struct {
		SKU          string `json:"sku"`
		OptionValues []struct {
			OptionName string `json:"optionName"`
			Name       string `json:"name"`
		} `json:"optionValues"`
		Price             *string                  `json:"price"`
		CompareAtPrice    catalog.Optional[string] `json:"compareAtPrice"`
		InventoryQuantity *int                     `json:"inventoryQuantity"`
		Weight            *float64                 `json:"weight"`
		WeightUnit        *string                  `json:"weightUnit"`
		Barcode           catalog.Optional[string] `json:"barcode"`
		RequiresShipping  *bool                    `json:"requiresShipping"`
	} `json:"variants"`
	Images []struct {
		URL     string  `json:"url"`
		AltText *string `json:"altText"`
	} `json:"images"`
	Collections []string `json:"collections"`
}

func (l importLine) input() catalog.ProductInput {
	in := catalog.ProductInput{
		Handle: l.Handle, Title: l.Title, DescriptionHTML: l.DescriptionHTML, Vendor: l.Vendor, ProductType: l.ProductType,
		Tags: l.Tags, HasTags: l.Tags != nil, Status: l.Status, Collections: l.Collections, HasCollections: l.Collections != nil,
		HasOptions: l.Options != nil, HasVariants: l.Variants != nil, HasImages: l.Images != nil,
	}
	for _, o := range l.Options {
		in.Options = append(in.Options, catalog.OptionInput{Name: o.Name, Values: o.Values})
	}
	for _, v := range l.Variants {
		vi := catalog.VariantInput{SKU: v.SKU, Price: v.Price, CompareAtPrice: v.CompareAtPrice, InventoryQuantity: v.InventoryQuantity,
			Weight: v.Weight, WeightUnit: v.WeightUnit, Barcode: v.Barcode, RequiresShipping: v.RequiresShipping}
		for _, ov := range v.OptionValues {
			vi.OptionValues = append(vi.OptionValues, catalog.OptionValueInput{OptionName: ov.OptionName, Name: ov.Name})
		}
		in.Variants = append(in.Variants, vi)
	}
	for _, img := range l.Images {
		in.Images = append(in.Images, catalog.ImageInput{URL: img.URL, AltText: img.AltText})
	}
	return in
}

// importCmd applies productSet to every line of a JSON Lines file (the format of
// products.jsonl exports and of productSet's input), in batches of one transaction each:
//
//	storefront import [-batch 200] products.jsonl     (- reads standard input)
//
// Lines with user errors are reported and skipped; the others are written and audited as
// the command line's.
func importCmd(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	batch := fs.Int("batch", 200, "products per transaction")
	dbURL := fs.String("database-url", "", "database (default: DATABASE_URL or sqlite:storefront.db)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 || *batch <= 0 {
		return errors.New("usage: storefront import [-batch N] FILE.jsonl (- for standard input)")
	}
	cfg, _, err := loadConfig("import", nil, getenv)
	if err != nil {
		return err
	}
	if *dbURL != "" {
		cfg.DatabaseURL = *dbURL
	}
	var r io.Reader = os.Stdin
	if name := fs.Arg(0); name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		defer f.Close()
		r = f
	}
	db, err := store.Open(ctx, store.Config{URL: cfg.DatabaseURL})
	if err != nil {
		return err
	}
	defer db.Close()
	cat := catalog.New(db)
	ctx = audit.WithOperation(audit.WithActor(ctx, audit.Actor{Name: "cli"}), "import")
	start := time.Now()
	written, skipped, lineNo := 0, 0, 0
	var pending []catalog.ProductInput
	var lines []int
	flush := func() error {
		if len(pending) == 0 {
			return nil
		}
		results, err := cat.SetProducts(ctx, pending)
		if err != nil {
			return fmt.Errorf("lines %d to %d: %w", lines[0], lines[len(lines)-1], err)
		}
		for i, res := range results {
			if len(res.UserErrors) == 0 {
				written++
				continue
			}
			skipped++
			msgs := make([]string, len(res.UserErrors))
			for j, e := range res.UserErrors {
				msgs[j] = fmt.Sprintf("%s (%s at %s)", e.Message, e.Code, strings.Join(e.Field, "."))
			}
			fmt.Fprintf(stdout, "line %d skipped: %s\n", lines[i], strings.Join(msgs, "; "))
		}
		pending, lines = pending[:0], lines[:0]
		return nil
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		lineNo++
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			continue
		}
		var l importLine
		if err := json.Unmarshal([]byte(text), &l); err != nil {
			skipped++
			fmt.Fprintf(stdout, "line %d skipped: not a product: %v\n", lineNo, err)
			continue
		}
		pending, lines = append(pending, l.input()), append(lines, lineNo)
		if len(pending) == *batch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read line %d: %w", lineNo+1, err)
	}
	if err := flush(); err != nil {
		return err
	}
	took := time.Since(start)
	fmt.Fprintf(stdout, "imported %d products (%d skipped) in %s: %.0f products/s\n", written, skipped, took.Round(time.Millisecond), float64(written)/took.Seconds())
	return nil
}
