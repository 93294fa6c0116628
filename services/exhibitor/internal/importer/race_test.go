package importer

import (
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/services/exhibitor/internal/producer"
	"github.com/ocopfair/ocopfair/services/exhibitor/internal/product"
)

// raceRow is one row of a file, of a producer whose tax code is taxCode.
func raceRow(t *testing.T, taxCode string) []Row {
	t.Helper()
	rows, err := Parse([]byte("Tên chủ thể,Loại hình,Mã số thuế,Tỉnh/thành phố,Xã/phường,Điện thoại,Tên sản phẩm,Bộ tiêu chí,Số sao,Số quyết định,Cơ quan cấp,Ngày cấp,Đơn vị tính\n" +
		"HTX Mật ong Bắc Hà,HTX," + taxCode + ",Lào Cai,Xã Bắc Hà,0912345678,Mật ong bạc hà,4,4 sao,12/QĐ-UBND,UBND tỉnh Lào Cai,15/03/2024,lít\n"))
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// raceStores are stores on a fresh database with its indexes, as the service has them.
func raceStores(t *testing.T) Stores {
	t.Helper()
	st, db := dbStores(t)
	if err := db.EnsureIndexes(t.Context(), append(producer.Indexes(), product.Indexes()...)...); err != nil {
		t.Fatal(err)
	}
	return st
}

// A producer registering the row's tax code itself between the import's look-up and its create
// does not get the row's product: the row is skipped as for a profile registered before.
func TestImportRacingARegistrationAddsNoProduct(t *testing.T) {
	st := raceStores(t)
	ctx := t.Context()
	const tax = "5300123456"
	var selfID string
	st.beforeProducer = func() {
		kind, name, taxc, prov, com, phone := producer.KindCooperative, "HTX đăng ký trước", tax, "Lào Cai", "Xã Bắc Hà", "0912345678"
		p, err := producer.New("01900000-0000-7000-8000-0000000000bb", "own-account", producer.Fields{Kind: &kind, LegalName: &name,
			TaxCode: &taxc, Province: &prov, Commune: &com, Phone: &phone}, time.Now())
		if err == nil {
			err = st.Producers.Create(ctx, p, "")
		}
		if err != nil {
			t.Error(err)
		}
		selfID = p.ID
	}
	rep, err := Import(ctx, st, raceRow(t, tax), time.Now(), Importer{AccountID: "organiser"}, "")
	if err != nil {
		t.Fatal(err)
	}
	if res := rep.Results[0]; res.Status != Skipped || res.NoteCode != "import_producer_self_managed" || res.ProducerID != selfID || res.ProductID != "" {
		t.Errorf("row = %+v, want skipped (import_producer_self_managed) for %s", res, selfID)
	}
	if got, err := st.Products.ByProducer(ctx, selfID, product.NameCursor{}, 10); err != nil || len(got) != 0 {
		t.Errorf("products of the self-registered profile = %d, %v; want none", len(got), err)
	}
}

// A profile claimed between the import's look-up and its product's create takes the product along
// with its own account: the product is not left with the import's placeholder account, which the
// producer could not edit it as.
func TestImportRacingAClaimGivesTheProductToTheClaimer(t *testing.T) {
	st := raceStores(t)
	ctx := t.Context()
	const tax = "5300123457"
	var claimed producer.Producer
	st.beforeProduct = func() {
		p, err := st.Producers.ByTaxCode(ctx, tax)
		if err == nil {
			claimed, err = p.Claim("producer-account", producer.Fields{}, time.Now())
		}
		if err == nil {
			err = st.Producers.Claim(ctx, claimed, p.Revision, p.AccountID, "")
		}
		if err != nil {
			t.Error(err)
		}
	}
	rep, err := Import(ctx, st, raceRow(t, tax), time.Now(), Importer{AccountID: "organiser"}, "")
	if err != nil {
		t.Fatal(err)
	}
	res := rep.Results[0]
	if res.Status != Created || res.ProducerID != claimed.ID {
		t.Fatalf("row = %+v, want created for the claimed profile %s", res, claimed.ID)
	}
	l, err := st.Products.Get(ctx, res.ProductID)
	if err != nil || l.Owner.AccountID != "producer-account" || l.Owner.Revision != claimed.Revision {
		t.Errorf("product's owner = %+v, %v; want account producer-account at revision %d", l.Owner, err, claimed.Revision)
	}
}
