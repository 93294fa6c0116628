package httpbench

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"time"
)

// stem is a kind of OCOP product the generated catalogue is made of: a name, its criteria set
// (1 to 26) and a unit the importer knows.
type stem struct {
	name string
	set  int
	unit string
}

// stems are spread over sectors so that searches and matches hit a realistic share of the
// catalogue: three of the twenty are honey ("mật ong"), as in the demo data.
var stems = []stem{
	{"Mật ong hoa bạc hà", 4, "litre"}, {"Chè búp Shan tuyết", 11, "kg"}, {"Nước mắm cá cơm", 9, "bottle"},
	{"Gạo thơm ST25", 3, "tonne"}, {"Cà phê Robusta rang xay", 13, "kg"}, {"Miến dong", 6, "kg"},
	{"Rượu men lá", 14, "bottle"}, {"Yến sào chưng sẵn", 8, "jar"}, {"Bưởi da xanh", 1, "tonne"},
	{"Vải thiều sấy khô", 7, "kg"}, {"Khăn lụa tơ tằm", 22, "piece"}, {"Ấm chén gốm men lam", 21, "set"},
	{"Sâm ngâm mật ong", 18, "jar"}, {"Tiêu đen", 10, "kg"}, {"Tinh dầu quế", 20, "ml"},
	{"Nấm linh chi sấy", 18, "kg"}, {"Bánh đa vừng", 6, "pack"}, {"Mật ong hoa cà phê", 4, "litre"},
	{"Trà tim sen", 12, "pack"}, {"Kẹo dừa", 7, "pack"},
}

// places are province codes with a commune of each.
var places = [][2]string{
	{"15", "Xã Bắc Hà"}, {"19", "Xã Tân Cương"}, {"91", "Đặc khu Phú Quốc"}, {"92", "Xã Mỹ Xuyên"}, {"68", "Xã Xuân Trường"},
	{"22", "Xã Bình Liêu"}, {"52", "Xã Nhơn Lộc"}, {"56", "Phường Nha Trang"}, {"86", "Xã Mỏ Cày"}, {"24", "Xã Lục Ngạn"},
	{"01", "Xã Bát Tràng"}, {"46", "Phường Phú Hậu"}, {"40", "Xã Quỳ Hợp"}, {"82", "Xã Tháp Mười"}, {"08", "Xã Hoàng Su Phì"},
}

var kinds = []string{"HTX", "Doanh nghiệp", "Hộ kinh doanh", "Tổ hợp tác"}

// importHeader is the header row of a province's list, in the Vietnamese the importer reads.
var importHeader = []string{"Tên chủ thể", "Loại hình", "Mã số thuế", "Tỉnh/Thành phố", "Xã/Phường", "Điện thoại",
	"Tên sản phẩm", "Bộ tiêu chí", "Số sao", "Số quyết định", "Cơ quan cấp", "Ngày cấp", "Đơn vị tính"}

// GenProducer is one generated producer as the import file lists it.
type GenProducer struct {
	Index     int
	LegalName string
	Kind      string
	TaxCode   string
	Province  string
	Commune   string
	Phone     string
}

// genProducer returns generated producer p; its tax codes start at 8800000000, far from the
// demo's.
func genProducer(p int) GenProducer {
	pl := places[p%len(places)]
	kind := kinds[p%len(kinds)]
	return GenProducer{Index: p, LegalName: fmt.Sprintf("%s Đặc sản %s số %d (dữ liệu bench)", kind, pl[1], p+1), Kind: kind,
		TaxCode: fmt.Sprintf("%010d", 8800000000+p), Province: pl[0], Commune: pl[1], Phone: fmt.Sprintf("09%08d", 70000000+p)}
}

// ProductCode is the word that makes generated product n's name unique, so that one search finds
// exactly it.
func ProductCode(n int) string { return fmt.Sprintf("BN%05d", n) }

// importRows returns the import file's rows for producers [from, to), each with perProducer
// products of different stems.
func importRows(from, to, perProducer int, now time.Time) [][]string {
	rows := make([][]string, 0, (to-from)*perProducer)
	for p := from; p < to; p++ {
		g := genProducer(p)
		for k := range perProducer {
			n := p*perProducer + k
			s := stems[(p+k*7)%len(stems)]
			issued := now.AddDate(0, -1-n%20, 0)
			rows = append(rows, []string{g.LegalName, g.Kind, g.TaxCode, g.Province, g.Commune, g.Phone,
				s.name + " " + ProductCode(n), fmt.Sprint(s.set), fmt.Sprint(3 + n%3), fmt.Sprintf("%d/QĐ-UBND", 5000+n), "UBND tỉnh",
				issued.Format("02/01/2006"), s.unit})
		}
	}
	return rows
}

// importCSV returns the import file for producers [from, to).
func importCSV(from, to, perProducer int, now time.Time) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write(importHeader)
	_ = w.WriteAll(importRows(from, to, perProducer, now))
	return buf.Bytes()
}
