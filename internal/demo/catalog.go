package demo

// The demo catalog's data: a small apparel, electronics and home shop. Everything is fixed
// so that tests and screenshots can rely on it.

import "storefront/ent/shoppolicy"

type opt struct {
	name   string
	values []string
}

type productSpec struct {
	handle, title, typ, vendor string
	tags                       []string
	price                      int64 // minor units
	compareAt                  int64 // 0: none
	opts                       []opt
	desc                       string
	images                     int
	soldOut                    bool // every variant sold out
	draft                      bool // unpublished
	giftCard                   bool
	weightGrams                int
}

var (
	sizes      = []string{"XS", "S", "M", "L", "XL"}
	shortSizes = []string{"S", "M", "L"}
	teeColors  = []string{"Black", "White", "Heather Grey"}
)

// swatchColors are the picker colours of the demo's Color option values.
var swatchColors = map[string]string{
	"Black": "#111111", "White": "#FFFFFF", "Heather Grey": "#A8A8A8", "Navy": "#1F2A44",
	"Olive": "#6B6B3A", "Oatmeal": "#D8CBB0", "Charcoal": "#36454F", "Blue": "#3B6FB6",
	"Sand": "#D6C4A1", "Sky": "#8EC5E8", "Forest": "#228B22", "Grey": "#808080",
	"Yellow": "#F2C12E", "Rust": "#B7410E", "Cream": "#F4EBD0", "Khaki": "#BDB38B",
	"Tan": "#C8A27A", "Silver": "#C0C0C0", "Red": "#C8102E", "Teal": "#008080",
	"Chalk": "#EDEAE0", "Graphite": "#4B4E53", "Pale Grey": "#D3D3D3", "Rose": "#E8A0A8",
}

// policies are the demo shop's policies.
var policies = []struct {
	kind        shoppolicy.Kind
	title, body string
}{
	{shoppolicy.KindPRIVACY, "Privacy Policy", `<p>We collect only what we need to process your order and never sell your data.</p><p>Payment details are handled by our payment provider and never stored by us.</p>`},
	{shoppolicy.KindREFUND, "Refund Policy", `<p>Unworn items can be returned within 30 days of delivery for a full refund to the original payment method.</p><p>Refunds are issued within 5 working days of the return reaching us.</p>`},
	{shoppolicy.KindSHIPPING, "Shipping Policy", `<p>Orders placed before 2 pm ship the same working day. Standard shipping in the US is free on orders over $75; express shipping and store pickup are available at checkout.</p><p>We also ship to Canada, the UK, Germany, France, the Netherlands and Australia, priced by weight.</p>`},
	{shoppolicy.KindTERMS_OF_SERVICE, "Terms of Service", `<p>By placing an order you agree to pay the total shown at checkout. Prices and availability may change until an order is placed.</p>`},
}

// blogs are the demo shop's blogs and their articles.
var blogs = []struct {
	handle, title, desc string
	articles            []struct {
		handle, title, author, body string
		tags                        []string
	}
}{
	{"news", "News", "What is new at the Storefront Demo shop.", []struct {
		handle, title, author, body string
		tags                        []string
	}{
		{"spring-collection", "Our Spring Collection Is Here", "Ada Park", `<p>Linen shirts, lighter tees and a packable rain jacket: the spring collection is in stock now.</p><p>Everything ships the same day when ordered before 2 pm.</p>`, []string{"apparel", "new"}},
		{"free-shipping-over-75", "Free Shipping Over $75", "Ada Park", `<p>Standard shipping in the US is now free on every order over $75.</p>`, []string{"shipping"}},
	}},
	{"journal", "Journal", "Stories about how our products are made.", []struct {
		handle, title, author, body string
		tags                        []string
	}{
		{"caring-for-linen", "Caring for Linen", "Sam Rivera", `<p>Wash linen cool, skip the dryer and let it crease: it softens with every wash.</p>`, []string{"care", "linen"}},
	}},
}

// redirects are the demo shop's URL redirects: old paths and where they now live.
var redirects = [][2]string{
	{"/products/organic-tee", "/products/classic-organic-tee"},
	{"/collections/sale-items", "/collections/sale"},
	{"/pages/shipping", "/policies/shipping-policy"},
}

var products = []productSpec{
	// Apparel
	{"classic-organic-tee", "Classic Organic Tee", "T-Shirts", "Northwind", []string{"organic", "cotton", "bestseller"}, 2500, 0, []opt{{"Size", sizes}, {"Color", teeColors}}, "A heavyweight tee in GOTS-certified organic cotton with a relaxed fit.", 3, false, false, false, 220},
	{"pocket-tee", "Pocket Tee", "T-Shirts", "Northwind", []string{"cotton", "new"}, 2800, 0, []opt{{"Size", sizes}, {"Color", []string{"Navy", "Olive"}}}, "Our classic tee with a chest pocket and a slightly longer cut.", 2, false, false, false, 230},
	{"graphic-tee-mountains", "Graphic Tee — Mountains", "T-Shirts", "Trailhead", []string{"graphic", "sale"}, 2200, 3000, []opt{{"Size", sizes}}, "Soft-washed tee printed with a hand-drawn mountain range.", 2, false, false, false, 210},
	{"long-sleeve-henley", "Long Sleeve Henley", "Shirts", "Northwind", []string{"cotton"}, 3900, 0, []opt{{"Size", shortSizes}, {"Color", []string{"Oatmeal", "Charcoal"}}}, "Waffle-knit henley with a three-button placket.", 2, false, false, false, 300},
	{"oxford-shirt", "Oxford Button-Down Shirt", "Shirts", "Harbor & Co", []string{"cotton", "bestseller"}, 5900, 0, []opt{{"Size", sizes}, {"Color", []string{"Blue", "White"}}}, "A crisp oxford shirt with a button-down collar.", 2, false, false, false, 320},
	{"linen-shirt", "Linen Camp Shirt", "Shirts", "Harbor & Co", []string{"linen", "summer", "sale"}, 4900, 6500, []opt{{"Size", shortSizes}, {"Color", []string{"Sand", "Sky"}}}, "Breathable European linen with a relaxed camp collar.", 2, false, false, false, 250},
	{"everyday-hoodie", "Everyday Hoodie", "Hoodies", "Northwind", []string{"fleece", "bestseller"}, 6500, 0, []opt{{"Size", sizes}, {"Color", []string{"Black", "Forest"}}}, "Brushed-back fleece hoodie with a lined hood.", 3, false, false, false, 600},
	{"zip-hoodie", "Zip Hoodie", "Hoodies", "Trailhead", []string{"fleece", "new"}, 7200, 0, []opt{{"Size", shortSizes}, {"Color", []string{"Grey", "Navy"}}}, "Full-zip hoodie with kangaroo pockets.", 2, false, false, false, 650},
	{"crewneck-sweatshirt", "Crewneck Sweatshirt", "Sweatshirts", "Northwind", []string{"fleece", "organic", "sale"}, 4800, 6000, []opt{{"Size", shortSizes}}, "An organic cotton crewneck for every season.", 2, false, false, false, 550},
	{"slim-jeans", "Slim Jeans", "Jeans", "Denim Works", []string{"denim", "bestseller"}, 8900, 0, []opt{{"Waist", []string{"28", "30", "32", "34", "36"}}, {"Length", []string{"30", "32", "34"}}}, "Selvedge denim in a slim, tapered fit.", 2, false, false, false, 800},
	{"relaxed-jeans", "Relaxed Jeans", "Jeans", "Denim Works", []string{"denim"}, 8500, 0, []opt{{"Waist", []string{"30", "32", "34"}}, {"Length", []string{"30", "32"}}}, "A roomy straight leg in rigid indigo denim.", 2, false, false, false, 820},
	{"chino-shorts", "Chino Shorts", "Shorts", "Harbor & Co", []string{"summer", "sale"}, 3500, 4500, []opt{{"Waist", []string{"30", "32", "34", "36"}}}, "Seven-inch chino shorts in stretch twill.", 1, false, false, false, 300},
	{"rain-jacket", "Packable Rain Jacket", "Jackets", "Trailhead", []string{"outdoor", "waterproof", "new"}, 12900, 0, []opt{{"Size", shortSizes}, {"Color", []string{"Yellow", "Black"}}}, "A waterproof, breathable shell that packs into its own pocket.", 3, false, false, false, 350},
	{"down-puffer", "Down Puffer Jacket", "Jackets", "Trailhead", []string{"outdoor", "winter"}, 21900, 25900, []opt{{"Size", shortSizes}}, "Responsibly sourced 700-fill down, warm down to -15 °C.", 2, true, false, false, 700},
	{"wool-beanie", "Merino Wool Beanie", "Hats", "Northwind", []string{"wool", "winter", "gift"}, 2900, 0, []opt{{"Color", []string{"Charcoal", "Rust", "Cream"}}}, "A ribbed beanie knit from soft merino wool.", 1, false, false, false, 90},
	{"baseball-cap", "Baseball Cap", "Hats", "Trailhead", []string{"cotton"}, 2400, 0, []opt{{"Color", []string{"Navy", "Khaki", "Black"}}}, "Six-panel cap with an adjustable strap.", 1, false, false, false, 100},
	{"crew-socks-3-pack", "Crew Socks (3 Pack)", "Socks", "Northwind", []string{"organic", "bestseller", "gift"}, 1800, 0, []opt{{"Size", []string{"S/M", "L/XL"}}}, "Cushioned organic cotton crew socks, three pairs.", 1, false, false, false, 150},
	{"wool-hiking-socks", "Wool Hiking Socks", "Socks", "Trailhead", []string{"wool", "outdoor"}, 2200, 0, []opt{{"Size", []string{"S/M", "L/XL"}}}, "Merino blend socks with a reinforced heel and toe.", 1, false, false, false, 120},
	{"canvas-belt", "Canvas Belt", "Accessories", "Harbor & Co", []string{"accessories"}, 2600, 0, []opt{{"Size", shortSizes}}, "Webbing belt with a brass buckle.", 1, false, false, false, 150},
	{"leather-wallet", "Leather Bifold Wallet", "Accessories", "Harbor & Co", []string{"leather", "gift", "bestseller"}, 4500, 0, []opt{{"Color", []string{"Tan", "Black"}}}, "Vegetable-tanned leather, six card slots.", 2, false, false, false, 80},
	{"tote-bag", "Canvas Tote Bag", "Bags", "Northwind", []string{"organic", "accessories"}, 2000, 0, nil, "A roomy tote in heavy organic canvas.", 1, false, false, false, 250},
	{"weekender-bag", "Weekender Bag", "Bags", "Harbor & Co", []string{"travel", "leather"}, 14500, 16500, []opt{{"Color", []string{"Olive", "Navy"}}}, "Waxed canvas holdall with leather handles.", 2, false, false, false, 1400},
	// Electronics
	{"wireless-headphones", "Wireless Headphones", "Headphones", "Volt Audio", []string{"wireless", "bestseller", "gift"}, 14900, 17900, []opt{{"Color", []string{"Black", "Silver", "Blue"}}}, "Over-ear headphones with active noise cancelling and 30-hour battery life.", 3, false, false, false, 260},
	{"wireless-earbuds", "Wireless Earbuds", "Headphones", "Volt Audio", []string{"wireless", "new"}, 9900, 0, []opt{{"Color", []string{"Black", "White"}}}, "True wireless earbuds with a pocketable charging case.", 2, false, false, false, 60},
	{"studio-monitor-headphones", "Studio Monitor Headphones", "Headphones", "Volt Audio", []string{"wired", "pro"}, 12900, 0, nil, "Closed-back headphones tuned for accurate mixing.", 2, false, false, false, 300},
	{"portable-speaker", "Portable Bluetooth Speaker", "Speakers", "Volt Audio", []string{"wireless", "outdoor", "sale"}, 7900, 9900, []opt{{"Color", []string{"Black", "Red", "Teal"}}}, "Waterproof speaker with 12 hours of playback.", 2, false, false, false, 540},
	{"smart-speaker", "Smart Home Speaker", "Speakers", "Lumen Labs", []string{"smart-home", "wireless"}, 9900, 0, []opt{{"Color", []string{"Charcoal", "Chalk"}}}, "Room-filling sound with a built-in voice assistant.", 2, false, false, false, 800},
	{"usb-c-charger", "USB-C Wall Charger", "Chargers", "Amp Co", []string{"charging", "bestseller"}, 2900, 0, []opt{{"Wattage", []string{"30W", "65W", "100W"}}}, "A compact GaN charger that fast-charges laptops and phones.", 1, false, false, false, 120},
	{"usb-c-cable", "Braided USB-C Cable", "Cables", "Amp Co", []string{"charging"}, 1500, 0, []opt{{"Length", []string{"1 m", "2 m", "3 m"}}}, "A braided USB-C to USB-C cable rated for 100 W.", 1, false, false, false, 50},
	{"wireless-charging-pad", "Wireless Charging Pad", "Chargers", "Amp Co", []string{"wireless", "charging", "sale"}, 3500, 4500, nil, "Qi charging pad with a non-slip surface.", 1, false, false, false, 110},
	{"power-bank", "20,000 mAh Power Bank", "Chargers", "Amp Co", []string{"charging", "travel"}, 4900, 0, []opt{{"Color", []string{"Black", "White"}}}, "Charge a laptop on the go with 65 W USB-C output.", 1, false, false, false, 400},
	{"mechanical-keyboard", "Mechanical Keyboard", "Keyboards", "Keyforge", []string{"pro", "bestseller"}, 11900, 0, []opt{{"Switch", []string{"Linear", "Tactile", "Clicky"}}, {"Layout", []string{"ANSI", "ISO"}}}, "A hot-swappable 75% keyboard with a gasket-mounted plate.", 3, false, false, false, 900},
	{"wireless-mouse", "Wireless Mouse", "Mice", "Keyforge", []string{"wireless"}, 4900, 0, []opt{{"Color", []string{"Graphite", "Pale Grey"}}}, "An ergonomic mouse with silent clicks.", 1, false, false, false, 100},
	{"desk-mat", "Felt Desk Mat", "Desk Accessories", "Keyforge", []string{"desk", "new"}, 3900, 0, []opt{{"Size", []string{"Medium", "Large"}}}, "Merino wool felt mat that protects your desk.", 1, false, false, false, 500},
	{"webcam-4k", "4K Webcam", "Cameras", "Lumen Labs", []string{"pro", "sale"}, 12900, 15900, nil, "Sharp 4K video with auto-framing and dual microphones.", 2, true, false, false, 200},
	{"smart-bulb-2-pack", "Smart Bulb (2 Pack)", "Smart Home", "Lumen Labs", []string{"smart-home", "gift"}, 2900, 0, []opt{{"Fitting", []string{"E26", "E27", "B22"}}}, "Dimmable colour bulbs you control from your phone.", 1, false, false, false, 150},
	{"e-reader", "E-Reader", "Tablets", "Lumen Labs", []string{"reading", "gift", "new"}, 13900, 0, []opt{{"Storage", []string{"16 GB", "32 GB"}}}, "A glare-free 7-inch screen with adjustable warm light.", 2, false, false, false, 190},
	{"fitness-tracker", "Fitness Tracker", "Wearables", "Volt Audio", []string{"fitness", "wireless"}, 7900, 0, []opt{{"Color", []string{"Black", "Rose"}}, {"Band Size", []string{"S", "L"}}}, "Tracks heart rate, sleep and workouts for a week on one charge.", 2, false, false, false, 30},
	{"vr-headset-prototype", "VR Headset (Prototype)", "Wearables", "Lumen Labs", []string{"pro"}, 49900, 0, nil, "An unreleased prototype: not for sale yet.", 1, false, true, false, 500},
	// Home
	{"enamel-mug", "Enamel Camp Mug", "Mugs", "Hearth", []string{"kitchen", "outdoor", "gift"}, 1800, 0, []opt{{"Color", []string{"White", "Blue", "Green"}}}, "A chip-resistant enamel mug for camp and kitchen.", 2, false, false, false, 200},
	{"stoneware-mug-set", "Stoneware Mug Set", "Mugs", "Hearth", []string{"kitchen", "bestseller"}, 4200, 0, []opt{{"Color", []string{"Speckled", "Slate"}}}, "Four hand-glazed stoneware mugs.", 2, false, false, false, 1600},
	{"pour-over-coffee-set", "Pour-Over Coffee Set", "Kitchen", "Hearth", []string{"kitchen", "coffee", "gift"}, 5900, 6900, nil, "Glass carafe, ceramic dripper and 100 filters.", 2, false, false, false, 1100},
	{"chefs-knife", "Chef's Knife", "Kitchen", "Hearth", []string{"kitchen", "pro"}, 8900, 0, []opt{{"Blade", []string{"18 cm", "21 cm"}}}, "Forged stainless steel with a pakkawood handle.", 1, false, false, false, 230},
	{"cast-iron-skillet", "Cast Iron Skillet", "Kitchen", "Hearth", []string{"kitchen", "bestseller"}, 4900, 0, []opt{{"Size", []string{"20 cm", "26 cm", "30 cm"}}}, "Pre-seasoned cast iron that lasts generations.", 2, false, false, false, 2500},
	{"soy-candle", "Soy Candle", "Candles", "Ember & Wick", []string{"candles", "gift", "bestseller"}, 2800, 0, []opt{{"Scent", []string{"Cedar", "Fig", "Sea Salt", "Lavender"}}}, "Hand-poured soy wax with a cotton wick, 50 hours of burn time.", 2, false, false, false, 400},
	{"travel-candle-trio", "Travel Candle Trio", "Candles", "Ember & Wick", []string{"candles", "gift", "sale"}, 3200, 3900, nil, "Three small candles in tins: cedar, fig and sea salt.", 1, false, false, false, 350},
	{"reed-diffuser", "Reed Diffuser", "Home Fragrance", "Ember & Wick", []string{"fragrance", "new"}, 3400, 0, []opt{{"Scent", []string{"Cedar", "Neroli"}}}, "A slow-release diffuser with rattan reeds.", 1, false, false, false, 450},
	{"wool-throw-blanket", "Wool Throw Blanket", "Blankets", "Loom House", []string{"wool", "gift", "winter"}, 11900, 0, []opt{{"Color", []string{"Oat", "Charcoal", "Moss"}}}, "A lambswool throw woven in a herringbone pattern.", 2, false, false, false, 1200},
	{"cotton-quilt", "Cotton Quilt", "Bedding", "Loom House", []string{"organic", "cotton"}, 16900, 0, []opt{{"Size", []string{"Single", "Double", "King"}}}, "A lightweight quilt with hand-stitched channels.", 2, false, false, false, 1800},
	{"linen-bedding-set", "Linen Bedding Set", "Bedding", "Loom House", []string{"linen", "sale"}, 18900, 22900, []opt{{"Size", []string{"Double", "King"}}, {"Color", []string{"White", "Clay"}}}, "Stonewashed linen duvet cover and two pillowcases.", 2, false, false, false, 2000},
	{"ceramic-table-lamp", "Ceramic Table Lamp", "Lamps", "Lumen Labs", []string{"lighting", "new"}, 9900, 0, []opt{{"Color", []string{"Sand", "Ink"}}}, "A glazed ceramic base with a linen shade.", 2, false, false, false, 2200},
	{"brass-floor-lamp", "Brass Floor Lamp", "Lamps", "Lumen Labs", []string{"lighting"}, 24900, 0, nil, "An adjustable brass reading lamp.", 2, false, false, false, 6000},
	{"terracotta-plant-pot", "Terracotta Plant Pot", "Planters", "Greenhouse", []string{"plants", "bestseller"}, 1600, 0, []opt{{"Size", []string{"Small", "Medium", "Large"}}}, "Unglazed terracotta with a drainage hole and saucer.", 1, false, false, false, 900},
	{"hanging-planter", "Macramé Hanging Planter", "Planters", "Greenhouse", []string{"plants", "gift"}, 2400, 0, nil, "Hand-knotted cotton hanger with a ceramic pot.", 1, false, false, false, 600},
	{"watering-can", "Watering Can", "Garden", "Greenhouse", []string{"plants", "sale"}, 2900, 3600, []opt{{"Color", []string{"Sage", "Black"}}}, "A long-spout steel can for indoor plants.", 1, false, false, false, 700},
	{"linen-napkins", "Linen Napkins (Set of 4)", "Table Linen", "Loom House", []string{"linen", "kitchen"}, 3200, 0, []opt{{"Color", []string{"Natural", "Rust", "Indigo"}}}, "Stonewashed linen napkins that soften with every wash.", 1, false, false, false, 300},
	{"gift-card", "Gift Card", "Gift Cards", "Storefront Demo", []string{"gift"}, 2500, 0, []opt{{"Amount", []string{"$25", "$50", "$100"}}}, "A digital gift card delivered by email.", 1, false, false, true, 0},
	{"holiday-ornament-set", "Holiday Ornament Set", "Decor", "Hearth", []string{"seasonal"}, 2900, 0, nil, "Back in the autumn: hand-blown glass ornaments.", 1, false, true, false, 300},
}

type collectionSpec struct {
	handle, title, desc string
	sort                string
	image               bool
	draft               bool
	// member decides which products belong, in catalog order.
	member func(p productSpec) bool
	// handles lists members explicitly, in order (overrides member).
	handles []string
}

func hasTag(p productSpec, tag string) bool {
	for _, t := range p.tags {
		if t == tag {
			return true
		}
	}
	return false
}

func isType(types ...string) func(p productSpec) bool {
	return func(p productSpec) bool {
		for _, t := range types {
			if p.typ == t {
				return true
			}
		}
		return false
	}
}

var (
	apparelTypes     = []string{"T-Shirts", "Shirts", "Hoodies", "Sweatshirts", "Jeans", "Shorts", "Jackets", "Hats", "Socks", "Accessories", "Bags"}
	electronicsTypes = []string{"Headphones", "Speakers", "Chargers", "Cables", "Keyboards", "Mice", "Desk Accessories", "Cameras", "Smart Home", "Tablets", "Wearables"}
	homeTypes        = []string{"Mugs", "Kitchen", "Candles", "Home Fragrance", "Blankets", "Bedding", "Lamps", "Planters", "Garden", "Table Linen", "Decor"}
)

var collections = []collectionSpec{
	{"apparel", "Apparel", "Tees, shirts, hoodies, denim and everything to wear with them.", "MANUAL", true, false, isType(apparelTypes...), nil},
	{"electronics", "Electronics", "Audio, charging, keyboards and smart home gear.", "MANUAL", true, false, isType(electronicsTypes...), nil},
	{"home", "Home", "Kitchen, bedding, lighting, candles and plants.", "MANUAL", true, false, isType(homeTypes...), nil},
	{"new-arrivals", "New Arrivals", "Just landed.", "CREATED", true, false, func(p productSpec) bool { return hasTag(p, "new") }, nil},
	{"sale", "Sale", "Marked down while stock lasts.", "PRICE", true, false, func(p productSpec) bool { return hasTag(p, "sale") }, nil},
	{"bestsellers", "Bestsellers", "What everyone is buying.", "BEST_SELLING", true, false, func(p productSpec) bool { return hasTag(p, "bestseller") }, nil},
	{"gifts", "Gifts", "Thoughtful gifts for every budget.", "MANUAL", false, false, func(p productSpec) bool { return hasTag(p, "gift") }, nil},
	{"accessories", "Accessories", "Hats, socks, belts, wallets and bags.", "TITLE", false, false, isType("Hats", "Socks", "Accessories", "Bags"), nil},
	{"outdoor", "Outdoor", "Gear for trails and campsites.", "MANUAL", false, false, func(p productSpec) bool { return hasTag(p, "outdoor") }, nil},
	{"kitchen", "Kitchen", "Cookware and tableware.", "MANUAL", false, false, func(p productSpec) bool { return hasTag(p, "kitchen") }, nil},
	{"hidden-homepage-featured-items", "Featured", "Shown in the home page grid.", "MANUAL", false, false, nil,
		[]string{"wireless-headphones", "everyday-hoodie", "soy-candle"}},
	{"hidden-homepage-carousel", "Carousel", "Shown in the home page carousel.", "MANUAL", false, false, nil,
		[]string{"classic-organic-tee", "mechanical-keyboard", "wool-throw-blanket", "portable-speaker", "rain-jacket", "cast-iron-skillet", "e-reader", "leather-wallet"}},
	{"winter-preview", "Winter Preview", "Not announced yet.", "MANUAL", false, true, func(p productSpec) bool { return hasTag(p, "winter") }, nil},
}

type pageSpec struct {
	handle, title, body string
	draft               bool
}

var pages = []pageSpec{
	{"about", "About", `<p>Storefront Demo is a small shop that exists to show what Storefront can do: a fast, self-hosted commerce backend with a Shopify-compatible Storefront API.</p><p>Everything here — products, collections, menus and these pages — comes from the demo catalog that Storefront loads into an empty database.</p>`, false},
	{"faq", "Frequently Asked Questions", `<h2>When will my order ship?</h2><p>Orders placed before 2 pm ship the same working day.</p><h2>Can I return an item?</h2><p>Yes, within 30 days of delivery. See <a href="/shipping-returns">Shipping &amp; Returns</a>.</p><h2>Do you ship internationally?</h2><p>We ship to the US, Canada, the UK, Germany, France, the Netherlands and Australia.</p>`, false},
	{"shipping-returns", "Shipping & Returns", `<p>Standard shipping is free on orders over $75. Express shipping is available at checkout.</p><p>Unworn items can be returned within 30 days for a full refund.</p>`, false},
	{"privacy-policy", "Privacy Policy", `<p>We collect only what we need to process your order and never sell your data.</p><p>Payment details are handled by our payment provider and never stored by us.</p>`, false},
	{"terms-of-service", "Terms of Service", `<p>By using this demo shop you agree that nothing here is for sale: it is sample data.</p><p>Prices, stock and products may change at any time.</p>`, false},
	{"spring-lookbook", "Spring Lookbook", `<p>Coming soon.</p>`, true},
}

type menuItemSpec struct {
	title, typ, target string // target: a path, or "collection:handle" / "page:handle"
	children           []menuItemSpec
}

type menuSpec struct {
	handle, title string
	items         []menuItemSpec
}

var menus = []menuSpec{
	{"next-js-frontend-header-menu", "Next.js Frontend Header Menu", []menuItemSpec{
		{"All", "CATALOG", "/search", nil},
		{"Apparel", "COLLECTION", "collection:apparel", nil},
		{"Electronics", "COLLECTION", "collection:electronics", nil},
		{"Home", "COLLECTION", "collection:home", nil},
	}},
	{"next-js-frontend-footer-menu", "Next.js Frontend Footer Menu", []menuItemSpec{
		{"Home", "FRONTPAGE", "/", nil},
		{"About", "PAGE", "page:about", nil},
		{"Terms & Conditions", "PAGE", "page:terms-of-service", nil},
		{"Shipping & Return Policy", "PAGE", "page:shipping-returns", nil},
		{"Privacy Policy", "PAGE", "page:privacy-policy", nil},
		{"FAQ", "PAGE", "page:faq", nil},
	}},
	{"main-menu", "Main menu", []menuItemSpec{
		{"Home", "FRONTPAGE", "/", nil},
		{"Shop", "CATALOG", "/collections/all", []menuItemSpec{
			{"Apparel", "COLLECTION", "collection:apparel", nil},
			{"Electronics", "COLLECTION", "collection:electronics", nil},
			{"Home", "COLLECTION", "collection:home", nil},
			{"Sale", "COLLECTION", "collection:sale", nil},
		}},
		{"About", "PAGE", "page:about", nil},
		{"Search", "SEARCH", "/search", nil},
	}},
	{"footer", "Footer menu", []menuItemSpec{
		{"FAQ", "PAGE", "page:faq", nil},
		{"Shipping & Returns", "PAGE", "page:shipping-returns", nil},
		{"Privacy Policy", "PAGE", "page:privacy-policy", nil},
	}},
}

type taxRateSpec struct {
	country  string
	province *string
	name     string
	ppm      int
	shipping bool
}

func strp(s string) *string { return &s }

// taxRates of the countries the demo shop ships to (US sales tax is by state).
var taxRates = []taxRateSpec{
	{"US", strp("CA"), "CA Sales Tax", 72500, false},
	{"US", strp("NY"), "NY Sales Tax", 40000, false},
	{"CA", nil, "GST", 50000, true},
	{"GB", nil, "VAT", 200000, true},
	{"DE", nil, "MwSt", 190000, true},
	{"FR", nil, "TVA", 200000, true},
	{"NL", nil, "BTW", 210000, true},
	{"AU", nil, "GST", 100000, true},
}
