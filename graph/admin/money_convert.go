package admin

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/vikstrous/dataloadgen"

	"storefront/ent"
	"storefront/ent/order"
	"storefront/ent/shop"
	"storefront/graph/admin/model"
	"storefront/internal/market"
	"storefront/internal/money"
	"storefront/internal/store"
)

// moneyLoaders are what amounts need beyond their own row, loaded once per request: the
// shop's currency (variant prices) and each order's currencies and exchange rate (its
// lines', payments' and refunds' MoneyBags), in one statement for all the orders a
// response shows.
type moneyLoaders struct {
	shopCurrency func() (string, error)
	pricers      *dataloadgen.Loader[int, market.Pricer]
}

type moneyLoadersKey struct{}

// withMoneyLoaders puts fresh moneyLoaders into each request's context.
func withMoneyLoaders(db *store.DB, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		l := &moneyLoaders{
			shopCurrency: sync.OnceValues(func() (string, error) {
				cs, err := db.Shop.Query().Order(ent.Asc(shop.FieldID)).Limit(1).Select(shop.FieldCurrencyCode).Strings(ctx)
				if err != nil {
					return "", fmt.Errorf("read shop currency: %w", err)
				}
				if len(cs) == 0 {
					return "USD", nil
				}
				return cs[0], nil
			}),
			pricers: dataloadgen.NewMappedLoader(func(ctx context.Context, ids []int) (map[int]market.Pricer, error) {
				os, err := db.Order.Query().Where(order.IDIn(ids...)).
					Select(order.FieldID, order.FieldCurrencyCode, order.FieldShopCurrencyCode, order.FieldExchangeRate).All(ctx)
				if err != nil {
					return nil, fmt.Errorf("load order currencies: %w", err)
				}
				out := make(map[int]market.Pricer, len(os))
				for _, o := range os {
					out[o.ID] = orderPricer(o)
				}
				return out, nil
			}, dataloadgen.WithWait(time.Millisecond)),
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(ctx, moneyLoadersKey{}, l)))
	})
}

func loadersFor(ctx context.Context) *moneyLoaders {
	l, _ := ctx.Value(moneyLoadersKey{}).(*moneyLoaders)
	return l
}

// orderPricer converts an order's amounts into the shop currency at the rate the order was
// placed at; orders placed before markets are in the shop currency.
func orderPricer(o *ent.Order) market.Pricer {
	if o.ShopCurrencyCode == nil || o.ExchangeRate == nil {
		return market.AtRate(o.CurrencyCode, o.CurrencyCode, "1")
	}
	return market.AtRate(o.CurrencyCode, *o.ShopCurrencyCode, *o.ExchangeRate)
}

// orderBag is an order amount recorded in both currencies (shop nil: orders placed before
// shop-currency amounts were recorded, in the shop currency).
func orderBag(o *ent.Order, presentment int64, shopAmount *int64) *model.MoneyBag {
	p := orderPricer(o)
	s := p.ToShop(presentment)
	if shopAmount != nil {
		s = *shopAmount
	}
	return &model.MoneyBag{
		ShopMoney:        &money.Money{Amount: s, Currency: p.ShopCurrency},
		PresentmentMoney: &money.Money{Amount: presentment, Currency: o.CurrencyCode},
	}
}

// bagOf is an amount of the order orderID in both currencies, converted at the order's rate.
func bagOf(ctx context.Context, orderID int, presentment int64, currency string) (*model.MoneyBag, error) {
	p := market.AtRate(currency, currency, "1")
	if orderID != 0 {
		var err error
		if p, err = loadersFor(ctx).pricers.Load(ctx, orderID); err != nil {
			return nil, err
		}
	}
	if currency == "" {
		currency = p.Currency
	}
	return &model.MoneyBag{
		ShopMoney:        &money.Money{Amount: p.ToShop(presentment), Currency: p.ShopCurrency},
		PresentmentMoney: &money.Money{Amount: presentment, Currency: currency},
	}, nil
}

// shopMoney is an amount of the shop currency (variant prices).
func shopMoney(ctx context.Context, amount int64) (*money.Money, error) {
	c, err := loadersFor(ctx).shopCurrency()
	if err != nil {
		return nil, err
	}
	return &money.Money{Amount: amount, Currency: c}, nil
}
