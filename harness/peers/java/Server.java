// A JSSE server for the alpncheck matrix: listens on 127.0.0.1:PORT with the key and certificate of a PKCS#12
// keystore and the given ALPN list, then speaks the negotiated protocol just enough for SRV-PROTOCOL-DEFINITIVE:
// an HTTP/2 SETTINGS frame after "h2" (RFC 9113 §3.4), an HTTP/1.1 answer otherwise.
//   usage: java Server.java PORT KEYSTORE.p12 PASSWORD ALPN-LIST
import java.io.FileInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

public class Server {
    private static final byte[] H2_SETTINGS = {0, 0, 0, 4, 0, 0, 0, 0, 0};

    private static void serve(SSLSocket s) {
        try (s) {
            s.setSoTimeout(10000);
            s.startHandshake();
            String proto = s.getApplicationProtocol();
            System.out.println("negotiated \"" + proto + "\", " + s.getSession().getProtocol());
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            if ("h2".equals(proto)) {
                out.write(H2_SETTINGS);
                out.flush();
                in.read(new byte[4096]);
            } else if (in.read(new byte[4096]) > 0) {
                String body = "hello from the Java JSSE peer\n";
                out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body)
                                  .getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        } catch (Exception e) {
            System.out.println("connection: " + e);
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: java Server.java PORT KEYSTORE.p12 PASSWORD ALPN-LIST");
            System.exit(2);
        }
        char[] pass = args[2].toCharArray();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (FileInputStream f = new FileInputStream(args[1])) {
            ks.load(f, pass);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, pass);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        SSLServerSocket ss = (SSLServerSocket)ctx.getServerSocketFactory().createServerSocket(
            Integer.parseInt(args[0]), 50, InetAddress.getByName("127.0.0.1"));
        SSLParameters p = ss.getSSLParameters();
        p.setApplicationProtocols(args[3].split(","));
        ss.setSSLParameters(p);
        System.out.println("listening on 127.0.0.1:" + args[0] + ", ALPN " + args[3] + ", Java "
                           + System.getProperty("java.version") + " " + ctx.getProvider());
        while (true) {
            SSLSocket s = (SSLSocket)ss.accept();
            new Thread(() -> serve(s)).start();
        }
    }
}
