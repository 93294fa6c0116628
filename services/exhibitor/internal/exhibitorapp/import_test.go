package exhibitorapp

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/ocopfair/ocopfair/dev/testenv"
)

func TestImport(t *testing.T) {
	f := start(t)
	orgTok, _ := f.tokens.Token(t, "organiser", "")
	org := f.api.With(orgTok)
	csv := "Tên chủ thể,Loại hình,Mã số thuế,Tỉnh,Xã/phường,Điện thoại,Tên sản phẩm,Nhóm sản phẩm,Số sao,Số quyết định,Cơ quan cấp,Ngày cấp,Đơn vị tính\n" +
		"HTX Mật ong Bắc Hà,HTX,5300123456,Lào Cai,Xã Bắc Hà,0912345678,Mật ong bạc hà,4,4 sao,12/QĐ-UBND,UBND tỉnh Lào Cai,15/03/2024,lít\n" +
		"HTX Mật ong Bắc Hà,HTX,5300123456,Lào Cai,Xã Bắc Hà,0912345678,Phấn hoa,4,3,13/QĐ-UBND,UBND tỉnh Lào Cai,15/03/2024,kg\n" +
		"Cơ sở Lụa Vạn Phúc,Hộ kinh doanh,0101234567,Hà Tây,Phường Vạn Phúc,0243 382 1234,Khăn lụa tơ tằm,Vải và may mặc,4,90/QĐ-UBND,UBND TP Hà Nội,01/06/2024,cái\n" +
		"Bad row,HTX,12,Atlantis,Xã X,123,Sản phẩm,99,7,,UBND,32/13/2024,kg\n"
	silkCode := stepImportReportsEachRowOnce(t, org, csv)
	// The Vạn Phúc silk workshop signs up with its tax code and the claim code the organiser
	// handed over, and gets the imported profile.
	tok, _ := f.tokens.Token(t, "producer", "")
	claim := f.api.With(tok).Do(t, "POST", "/api/producers", map[string]any{"kind": "household_business", "legal_name": "Cơ sở Lụa Vạn Phúc",
		"tax_code": "0101234567", "province": "Hà Nội", "commune": "Phường Hà Đông", "phone": "0912 111 222", "claim_code": silkCode})
	if claim.Status != 201 || !strings.Contains(string(claim.Body), `"revision":2`) {
		t.Errorf("claim: %d %s", claim.Status, claim.Body)
	}
	producer := f.api.With(tok)
	if r := producer.Do(t, "POST", "/api/producers/import", csv, "Content-Type", "text/csv"); r.Status != 403 {
		t.Errorf("producer importing: %d", r.Status)
	}
	stepImportLeavesSelfRegisteredTaxCodes(t, f, org)
	stepImportSaysWhenATaxCodeHasAnotherName(t, org)
}

// stepImportSaysWhenATaxCodeHasAnotherName: a row whose tax code belongs to a producer of another
// name adds its product to that producer and says so, naming both.
func stepImportSaysWhenATaxCodeHasAnotherName(t *testing.T, org testenv.Client) {
	t.Helper()
	csv := "Tên chủ thể,Loại hình,Mã số thuế,Tỉnh,Xã/phường,Điện thoại,Tên sản phẩm,Nhóm sản phẩm,Số sao,Số quyết định,Cơ quan cấp,Ngày cấp,Đơn vị tính\n" +
		"HTX Ong Mật Khác,HTX,5300123456,Lào Cai,Xã Bắc Hà,0912345679,Sáp ong,4,3,14/QĐ-UBND,UBND tỉnh Lào Cai,15/03/2024,kg\n" +
		"htx mat ong bac ha,HTX,5300123456,Lào Cai,Xã Bắc Hà,0912345678,Nến sáp ong,4,3,15/QĐ-UBND,UBND tỉnh Lào Cai,15/03/2024,cái\n"
	r := org.Do(t, "POST", "/api/producers/import", csv, "Content-Type", "text/csv", "Accept-Language", "en")
	var rep struct {
		Results []struct {
			Status   string
			NoteCode string `json:"note_code"`
			Note     string
		}
	}
	r.Decode(t, &rep)
	if len(rep.Results) != 2 || rep.Results[0].Status != "created" || rep.Results[0].NoteCode != "import_producer_other_name" ||
		!strings.Contains(rep.Results[0].Note, "«HTX Mật ong Bắc Hà»") || !strings.Contains(rep.Results[0].Note, "«HTX Ong Mật Khác»") {
		t.Errorf("a row with another name for a known tax code: %s, want its product created with a note naming both", r.Body)
	}
	if len(rep.Results) == 2 && rep.Results[1].NoteCode == "import_producer_other_name" {
		t.Errorf("the same name written without diacritics and in lower case is noted: %+v", rep.Results[1])
	}
}

// importCounts are the totals of an import report.
type importCounts struct {
	ProducersCreated int `json:"producers_created"`
	ProductsCreated  int `json:"products_created"`
	Skipped          int `json:"skipped"`
	Rejected         int `json:"rejected"`
}

// stepImportReportsEachRowOnce: an import reports what each row became, with the field errors of
// a bad row, and the same file again creates nothing. It returns the claim code of the silk
// workshop (the third row).
func stepImportReportsEachRowOnce(t *testing.T, org testenv.Client, csv string) string {
	t.Helper()
	r := org.Do(t, "POST", "/api/producers/import", csv, "Content-Type", "text/csv")
	if r.Status != 200 {
		t.Fatalf("import: %d %s", r.Status, r.Body)
	}
	var rep struct {
		Rows, ProducersCreated, ProductsCreated, Skipped, Rejected int
		Results                                                    []struct {
			Row       int `json:"row"`
			Status    string
			Errors    []struct{ Field string }
			ClaimCode string `json:"claim_code"`
		}
	}
	raw := r.Body
	if err := json.Unmarshal(raw, &rep); err != nil {
		t.Fatal(err)
	}
	var counts importCounts
	_ = json.Unmarshal(raw, &counts)
	if rep.Rows != 4 || counts.ProducersCreated != 2 || counts.ProductsCreated != 3 || counts.Rejected != 1 {
		t.Fatalf("report %s", raw)
	}
	bad := rep.Results[3]
	fields := fmt.Sprint(bad.Errors)
	for _, want := range []string{"criteria_set", "stars", "issued_on", "province", "phone"} {
		if bad.Status != "rejected" || !strings.Contains(fields, want) {
			t.Errorf("row 5 errors %s lack %s", fields, want)
		}
	}
	// The same file again creates nothing.
	again := org.Do(t, "POST", "/api/producers/import", csv, "Content-Type", "text/csv")
	_ = json.Unmarshal(again.Body, &counts)
	if counts.ProducersCreated != 0 || counts.ProductsCreated != 0 || counts.Skipped != 3 {
		t.Errorf("re-import: %s", again.Body)
	}
	return rep.Results[2].ClaimCode
}

// stepImportLeavesSelfRegisteredTaxCodes: someone registers a company's public tax code before
// the organiser imports the company: the import must not hand the company's certified products to
// that profile.
func stepImportLeavesSelfRegisteredTaxCodes(t *testing.T, f fixture, org testenv.Client) {
	t.Helper()
	squatTok, _ := f.tokens.Token(t, "producer", "")
	squatter := f.api.With(squatTok)
	if r := squatter.Do(t, "POST", "/api/producers", map[string]any{"kind": "enterprise", "legal_name": "Squatter Co",
		"tax_code": "0109990099", "province": "Hà Nội", "commune": "Xã A", "phone": "0912000111"}); r.Status != 201 {
		t.Fatalf("squatter registers: %d %s", r.Status, r.Body)
	}
	real := "Tên chủ thể,Loại hình,Mã số thuế,Tỉnh,Xã/phường,Điện thoại,Tên sản phẩm,Nhóm sản phẩm,Số sao,Số quyết định,Cơ quan cấp,Ngày cấp,Đơn vị tính\n" +
		"Công ty Thật,Doanh nghiệp,0109990099,Hà Nội,Xã A,0243 382 1000,Nước mắm thật,4,5,91/QĐ-UBND,UBND TP Hà Nội,01/06/2024,chai\n"
	r := org.Do(t, "POST", "/api/producers/import", real, "Content-Type", "text/csv")
	var counts importCounts
	_ = json.Unmarshal(r.Body, &counts)
	if r.Status != 200 || counts.ProductsCreated != 0 || counts.Skipped != 1 ||
		!strings.Contains(string(r.Body), `"note":"Mã số thuế này thuộc về chủ thể OCOP tự quản lý hồ sơ (Squatter Co)`) ||
		!strings.Contains(string(r.Body), `"note_code":"import_producer_self_managed"`) {
		t.Errorf("import onto a self-registered tax code: %d %s", r.Status, r.Body)
	}
	mine := squatter.Do(t, "GET", "/api/producers/me", nil)
	var me struct{ ID string }
	_ = json.Unmarshal(mine.Body, &me)
	if list := squatter.Do(t, "GET", "/api/producers/"+me.ID+"/products", nil); strings.Contains(string(list.Body), "Nước mắm thật") {
		t.Errorf("the squatter got the imported product: %s", list.Body)
	}
}
