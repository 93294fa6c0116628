package importer

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/ocop"
	"github.com/ocopfair/ocopfair/pkg/vntext"
	"github.com/ocopfair/ocopfair/services/exhibitor/internal/producer"
	"github.com/ocopfair/ocopfair/services/exhibitor/internal/product"
)

// Row outcomes.
const (
	Created  = "created"
	Skipped  = "skipped"
	Rejected = "rejected"
)

// RowResult is what happened to one row.
type RowResult struct {
	Line            int                 `json:"row"`
	Status          string              `json:"status" doc:"created, skipped (already imported) or rejected"`
	ProducerID      string              `json:"producer_id,omitempty"`
	ProductID       string              `json:"product_id,omitempty"`
	ProducerCreated bool                `json:"producer_created"`
	Errors          []apperr.FieldError `json:"errors,omitempty"`
	Note            string              `json:"note,omitempty" doc:"what to know about the row, in the caller's language"`
	NoteCode        string              `json:"note_code,omitempty" doc:"the note's stable code, for clients to map"`
	// note is the note until the report is said in the caller's language (Report.In).
	note apperr.Text
	// ClaimCode is the code the producer needs to take over the profile this row created; it is
	// shown here once and stored only as a hash.
	ClaimCode          string     `json:"claim_code,omitempty" doc:"on the row that created the producer: hand it to the producer, who sends it with POST /api/producers to take over the profile; shown only here"`
	ClaimCodeExpiresAt *time.Time `json:"claim_code_expires_at,omitempty"`
}

// Report sums up an import.
type Report struct {
	Rows             int         `json:"rows"`
	ProducersCreated int         `json:"producers_created"`
	ProductsCreated  int         `json:"products_created"`
	Skipped          int         `json:"skipped"`
	Rejected         int         `json:"rejected"`
	Results          []RowResult `json:"results"`
}

// In returns the report with its row notes and field errors said in lang.
func (r Report) In(lang apperr.Lang) Report {
	out := r
	out.Results = make([]RowResult, len(r.Results))
	for i, res := range r.Results {
		if !res.note.IsZero() {
			res.Note, res.NoteCode = res.note.In(lang), res.note.Msg.Code
		}
		errs := make([]apperr.FieldError, len(res.Errors))
		for j, f := range res.Errors {
			errs[j] = f.Localize(lang)
		}
		if len(errs) > 0 {
			res.Errors = errs
		}
		out.Results[i] = res
	}
	return out
}

// noted is res with the note m (and its arguments).
func (res *RowResult) noted(m apperr.Msg, args ...any) {
	res.note = m.With(args...)
	res.Note, res.NoteCode = res.note.In(apperr.English), m.Code
}

// Stores are where imported rows go.
type Stores struct {
	Producers *producer.Store
	Products  *product.Store
	Claims    *producer.ClaimStore
	// beforeProducer and beforeProduct, for tests, run just before a row's producer and product
	// are created: a registration or a claim stored there races the import.
	beforeProducer, beforeProduct func()
}

// Importer is who runs an import, as the claim audit log records the codes it issues.
type Importer struct {
	AccountID string
	ClientIP  string
}

// ImportedAccount is the placeholder account of a producer created by an import, until the
// producer signs up and claims its profile with the claim code the import issued.
func ImportedAccount(taxCode string) string { return producer.ImportedAccountPrefix + taxCode }

// Import validates and stores rows. Each row stands alone: a bad row is reported and the others
// go on. A producer is found by tax code (created once) and a product by producer and name, so a
// second import of the same file creates nothing. Each producer created gets a claim code,
// issued by "by", shown on the row that created it and recorded in the claim audit log.
func Import(ctx context.Context, st Stores, rows []Row, now time.Time, by Importer, correlationID string) (Report, error) {
	rep := Report{Rows: len(rows), Results: make([]RowResult, 0, len(rows))}
	for _, r := range rows {
		res, err := importRow(ctx, st, r, now, by, correlationID)
		if err != nil {
			return rep, err
		}
		switch res.Status {
		case Created:
			rep.ProductsCreated++
		case Skipped:
			rep.Skipped++
		case Rejected:
			rep.Rejected++
		}
		if res.ProducerCreated {
			rep.ProducersCreated++
		}
		rep.Results = append(rep.Results, res)
	}
	return rep, nil
}

func ptr[T any](v T) *T { return &v }

// producerFields validates a row's producer columns.
func producerFields(c map[string]string, v *apperr.Validation) producer.Fields {
	kind, ok := Kind(c["kind"])
	v.Expect(ok, "kind", msgColumnOneOf, "loại hình", kindValues)
	f := producer.Fields{Kind: &kind, LegalName: ptr(c["legal_name"]), TaxCode: ptr(c["tax_code"]), Province: ptr(c["province"]),
		Commune: ptr(c["commune"]), Address: ptr(c["address"]), Phone: ptr(c["phone"]), Email: ptr(c["email"])}
	return f
}

func productFields(c map[string]string, v *apperr.Validation) product.Fields {
	set, _, ok := CriteriaSet(c["criteria_set"])
	v.Expect(ok, "criteria_set", msgColumnCriteriaSet, "bộ tiêu chí")
	rating, ok := Stars(c["stars"])
	v.Expect(ok, "stars", msgColumnOneOf, "số sao", starsValues)
	issued, ok := Date(c["issued_on"])
	v.Expect(ok, "issued_on", msgColumnDate, "ngày cấp")
	unit, ok := Unit(c["unit"])
	v.Expect(ok, "unit", msgColumnUnit, "đơn vị tính", unitExamples)
	return product.Fields{NameVI: ptr(c["product"]), CriteriaSet: &set, Stars: &rating.Stars, PotentialFive: &rating.PotentialFive,
		DecisionNo: ptr(c["decision_no"]), IssuedBy: ptr(c["issued_by"]), IssuedOn: &issued, Unit: &unit, GTIN: ptr(c["gtin"])}
}

// importRow stores one row: its producer (found by tax code, or created with a claim code) and
// its product. A row that cannot be stored is reported, not returned as an error; the error is
// for a failure of the database.
func importRow(ctx context.Context, st Stores, r Row, now time.Time, by Importer, corr string) (RowResult, error) {
	res := RowResult{Line: r.Line}
	var v apperr.Validation
	pf := producerFields(r.Cells, &v)
	qf := productFields(r.Cells, &v)
	if v.Failed() {
		// The product's cells could not be read: still say what is wrong with the producer's.
		if _, err := producer.New(uuid.Must(uuid.NewV7()).String(), ImportedAccount(*pf.TaxCode), pf, now); err != nil {
			v.Merge("", err)
		}
		return rejected(res, v.Err()), nil
	}
	// Validate both halves before storing anything of the row, and report every field of both
	// at once (an organiser fixing the file should not meet the producer's errors only after
	// fixing the product's).
	newProducer, perr := producer.New(uuid.Must(uuid.NewV7()).String(), ImportedAccount(*pf.TaxCode), pf, now)
	prod, qerr := product.New(uuid.Must(uuid.NewV7()).String(), "", qf, now)
	v.Merge("", perr)
	v.Merge("", qerr)
	if perr == nil {
		v.Expect(ocop.ValidTaxCode(newProducer.TaxCode), "tax_code", msgTaxCode)
	}
	if v.Failed() {
		return rejected(res, v.Err()), nil
	}
	owner, err := ownerOfRow(ctx, st, newProducer, now, by, corr, &res)
	if err != nil || res.Status == Skipped {
		return res, err
	}
	res.ProducerID = owner.ID
	prod.ProducerID = owner.ID
	if st.beforeProduct != nil {
		st.beforeProduct()
	}
	err = st.Products.Create(ctx, prod, ownerCopy(owner), corr)
	switch {
	case apperr.Is(err, apperr.Conflict):
		res.Status = Skipped
		res.noted(msgProductExists)
		return res, nil
	case err != nil:
		return res, err
	}
	if err := ownerSince(ctx, st, owner, corr); err != nil {
		return res, err
	}
	res.Status, res.ProductID = Created, prod.ID
	switch {
	case !res.ProducerCreated && vntext.Fold(owner.LegalName) != vntext.Fold(newProducer.LegalName):
		// Two names for one tax code (in this file, or against an earlier import): the product
		// goes to the producer the tax code names, and the organiser is told, not left to guess.
		res.noted(msgOtherName, owner.LegalName, newProducer.LegalName)
	case prod.Certificate.Status(now) == ocop.CertificateExpired:
		res.noted(msgCertificateExpired)
	}
	return res, nil
}

// rejected is res with the field errors of err (or err itself as the row's error), with their
// messages and codes.
func rejected(res RowResult, err error) RowResult {
	var v apperr.Validation
	var e *apperr.Error
	if errors.As(err, &e) && len(e.Fields) > 0 {
		v.Merge("", err)
	} else {
		v.Merge("row", err)
	}
	if errors.As(v.Err(), &e) {
		for _, f := range e.Fields { // a field said twice (by its cell and by its record) once
			if !slices.ContainsFunc(res.Errors, func(g apperr.FieldError) bool { return g.Field == f.Field && g.Code == f.Code }) {
				res.Errors = append(res.Errors, f)
			}
		}
	}
	res.Status = Rejected
	return res
}

// ownerOfRow returns the producer a row's product goes to: the one with the row's tax code, or
// newProducer, created now with a claim code. When the tax code belongs to a producer with an
// account of its own, it marks res skipped instead.
func ownerOfRow(ctx context.Context, st Stores, newProducer producer.Producer, now time.Time, by Importer, corr string, res *RowResult) (producer.Producer, error) {
	owner, err := st.Producers.ByTaxCode(ctx, newProducer.TaxCode)
	switch {
	case apperr.Is(err, apperr.NotFound):
		if st.beforeProducer != nil {
			st.beforeProducer()
		}
		err = st.Producers.Create(ctx, newProducer, corr)
		if err == nil {
			res.ProducerCreated = true
			issueClaimCode(ctx, st, newProducer, now, by, res)
			return newProducer, nil
		}
		if !apperr.Is(err, apperr.Conflict) {
			return owner, err
		}
		// Created meanwhile: by a concurrent import, or registered by an account of its own,
		// which the check below keeps the row's product from.
		if owner, err = st.Producers.ByTaxCode(ctx, newProducer.TaxCode); err != nil {
			return owner, err
		}
	case err != nil:
		return owner, err
	}
	if !owner.Claimable() {
		// The tax code belongs to a profile with an account of its own. Tax codes are public: an
		// import must not hand products (and the certificate they carry) to whoever registered
		// the code first. The producer adds its products itself; a wrong tax code is the
		// organiser's to look into.
		res.Status, res.ProducerID = Skipped, owner.ID
		res.noted(msgSelfManaged, owner.LegalName)
	}
	return owner, nil
}

// ownerCopy is what a product keeps of its producer p.
func ownerCopy(p producer.Producer) product.Owner {
	return product.Owner{ProducerID: p.ID, AccountID: p.AccountID, Name: p.LegalName, Province: p.Province,
		Certifications: p.CertificationCodes(), Revision: p.Revision}
}

// ownerSince reads the profile again once a row's product is stored with the copy of owner read
// before, as the product's HTTP create does. A change stored in between (a claim above all,
// which hands the profile to its producer's own account) refreshed the profile's products
// without this one, which would keep the import's placeholder account and its producer could
// not edit it: it is refreshed here. The product stays: it was added while the profile was
// still the organisers', and a claim takes every imported product along, as it takes the rows
// stored a moment before. An error is a failure of the database.
func ownerSince(ctx context.Context, st Stores, owner producer.Producer, corr string) error {
	now, err := st.Producers.Get(ctx, owner.ID)
	if err != nil || now.Revision <= owner.Revision {
		return err
	}
	_, err = st.Products.RefreshOwner(ctx, ownerCopy(now), corr)
	return err
}

// issueClaimCode issues the claim code of a producer the import created and shows it on res; a
// failure is a note on the row, as the organiser can issue a code on the producer's page.
func issueClaimCode(ctx context.Context, st Stores, owner producer.Producer, now time.Time, by Importer, res *RowResult) {
	issued, err := st.Claims.Issue(ctx, owner.ID, by.AccountID, now)
	if err != nil {
		res.noted(msgClaimNotIssued)
		return
	}
	res.ClaimCode, res.ClaimCodeExpiresAt = issued.Code, &issued.ExpiresAt
	// The code is issued and shown either way: dropping it because its audit record failed would
	// leave the producer with no way in until the code is issued again.
	if err := st.Claims.Audit(ctx, producer.ClaimAttempt{ProducerID: owner.ID, AccountID: by.AccountID, CodeID: issued.ID,
		Result: producer.ClaimIssued, ClientIP: by.ClientIP, At: now}); err != nil {
		res.noted(msgClaimNotAudited)
	}
}
