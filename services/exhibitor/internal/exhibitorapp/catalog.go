package exhibitorapp

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/services/exhibitor/internal/application"
	"github.com/ocopfair/ocopfair/services/exhibitor/internal/producer"
	"github.com/ocopfair/ocopfair/services/exhibitor/internal/product"
)

// catalog adapts the producer and product stores to what products and applications ask.
type catalog struct{ a *App }

// ownerOf is what a product keeps of its producer p.
func ownerOf(p producer.Producer) product.Owner {
	return product.Owner{ProducerID: p.ID, AccountID: p.AccountID, Name: p.LegalName, Province: p.Province,
		Certifications: p.CertificationCodes(), Revision: p.Revision}
}

// OwnerOf returns what a product keeps of producer producerID (NotFound when there is none).
func (c catalog) OwnerOf(ctx context.Context, producerID string) (product.Owner, error) {
	p, err := c.a.producers.Get(ctx, producerID)
	if err != nil {
		return product.Owner{}, err
	}
	return ownerOf(p), nil
}

// FairsHolding names the fairs, not yet over, to which an active application of producerID lists
// productID: the product is the one shown there, so it must not leave the catalogue.
func (c catalog) FairsHolding(ctx context.Context, producerID, productID string) ([]string, error) {
	apps, err := c.a.appStore.ActiveOfProducer(ctx, producerID)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, a := range apps {
		if !slices.ContainsFunc(a.Products, func(p application.Product) bool { return p.ProductID == productID }) {
			continue
		}
		f, err := c.a.appStore.Fair(ctx, a.FairID)
		if apperr.Is(err, apperr.NotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if time.Now().Before(f.EndDate.AddDate(0, 0, 1)) {
			names = append(names, f.NameVI)
		}
	}
	return names, nil
}

// Hold marks the products as named by application app being sent (see product.Holds.Hold).
func (c catalog) Hold(ctx context.Context, app string, ids []string) (application.Hold, error) {
	return c.a.holds.Hold(ctx, app, ids)
}

// ApplicantOf returns the producer profile of an account (NotFound when it has none). The
// applications model names the account's producer, so the profile is read by ID (one document);
// only an account the model does not know (yet) costs a query by account, which FerretDB answers
// by reading every profile. What it finds goes into the model.
func (c catalog) ApplicantOf(ctx context.Context, accountID string) (application.Applicant, error) {
	if id, ok := c.a.apps.ProducerOf(accountID); ok {
		if p, err := c.a.producers.Get(ctx, id); err == nil && p.AccountID == accountID {
			return applicantOf(p), nil
		}
	}
	p, err := c.a.producers.ByAccount(ctx, accountID)
	if err != nil {
		return application.Applicant{}, err
	}
	c.a.apps.PutApplicant(applicantOf(p))
	return applicantOf(p), nil
}

// Producer returns the profile of producerID as it now is, read from the database.
func (c catalog) Producer(ctx context.Context, producerID string) (application.Applicant, error) {
	p, err := c.a.producers.Get(ctx, producerID)
	if err != nil {
		return application.Applicant{}, err
	}
	return applicantOf(p), nil
}

// ProductsOf returns the live products ids of producerID, in order; an ID that is not one of its
// live products is an Invalid field error on product_ids[i]. It reads the products one by one by
// ID (at most 30): FerretDB answers a read by _id from its index, but a query by a list of IDs
// by reading every product.
func (c catalog) ProductsOf(ctx context.Context, producerID string, ids []string) ([]application.Product, error) {
	byID := map[string]product.Listed{}
	for _, id := range ids {
		l, err := c.a.products.Get(ctx, id)
		switch {
		case apperr.Is(err, apperr.NotFound):
		case err != nil:
			return nil, err
		case !l.Deleted:
			byID[l.ID] = l
		}
	}
	var v apperr.Validation
	out := make([]application.Product, 0, len(ids))
	for i, id := range ids {
		l, ok := byID[id]
		if !v.Expect(ok && l.ProducerID == producerID, fmt.Sprintf("product_ids[%d]", i), msgNotYourProduct) {
			continue
		}
		out = append(out, application.Product{ProductID: l.ID, Name: l.NameVI, CriteriaSet: l.CriteriaSet, Sector: l.Sector(),
			Stars: l.Rating.Stars, PotentialFive: l.Rating.PotentialFive, ExpiresOn: l.Certificate.ExpiresOn})
	}
	return out, v.Err()
}
