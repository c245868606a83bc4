// A JSSE client for the alpncheck matrix: connects to HOST:PORT, verifies the server against the CA in CA-FILE (PEM)
// for SERVER-NAME (default localhost), offers the ALPN list and prints the negotiated protocol. Exit status 0 after
// a completed handshake, 1 when it failed, 2 on usage errors.
//   usage: java Client.java HOST PORT CA-FILE ALPN-LIST [SERVER-NAME]
import java.io.FileInputStream;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

public class Client {
    public static void main(String[] args) throws Exception {
        if (args.length != 4 && args.length != 5) {
            System.err.println("usage: java Client.java HOST PORT CA-FILE ALPN-LIST [SERVER-NAME]");
            System.exit(2);
        }
        String name = args.length == 5 ? args[4] : "localhost";
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (FileInputStream f = new FileInputStream(args[2])) {
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(f))
                trust.setCertificateEntry("ca" + i++, c);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        try (SSLSocket s = (SSLSocket)ctx.getSocketFactory().createSocket(args[0], Integer.parseInt(args[1]))) {
            s.setSoTimeout(10000);
            SSLParameters p = s.getSSLParameters();
            if (!args[3].isEmpty()) // an empty list: no ALPN extension at all
                p.setApplicationProtocols(args[3].split(","));
            p.setServerNames(List.of(new SNIHostName(name)));
            p.setEndpointIdentificationAlgorithm("HTTPS");
            s.setSSLParameters(p);
            s.startHandshake();
            System.out.println("negotiated: \"" + s.getApplicationProtocol() + "\" (" + s.getSession().getProtocol() + ")");
        } catch (java.io.IOException e) {
            System.err.println("handshake failed: " + e);
            System.exit(1);
        }
    }
}
