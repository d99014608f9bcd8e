import { StrictMode, useEffect, useState } from "react";
import { createRoot } from "react-dom/client";
import { currentSession, onSignedOut, type Session } from "../api";
import { useHashRoute } from "../hooks";
import { KeySignIn, Loading, Shell } from "../ui";
import { Overview } from "./Overview";
import { Customers } from "./Customers";
import { CustomerPage } from "./Customer";
import { Affiliates } from "./Affiliates";
import { AffiliatePage } from "./Affiliate";
import { Content } from "./Content";
import { Journeys } from "./Journeys";
import { Segments } from "./Segments";
import "../styles.css";

const PAGES = [
  { path: "", label: "Overview" },
  { path: "customers", label: "Customers" },
  { path: "affiliates", label: "Affiliates" },
  { path: "content", label: "Content" },
  { path: "journeys", label: "Journeys" },
  { path: "segments", label: "Segments" },
];

function Page({ route }: { route: string[] }) {
  const [section = "", id] = route;
  if (section === "customers" && id) return <CustomerPage id={id} />;
  if (section === "customers") return <Customers />;
  if (section === "affiliates" && id) return <AffiliatePage code={id} />;
  if (section === "affiliates") return <Affiliates />;
  if (section === "content") return <Content />;
  if (section === "journeys") return <Journeys />;
  if (section === "segments") return <Segments />;
  return <Overview />;
}

function App() {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const route = useHashRoute();
  useEffect(() => {
    void currentSession().then((s) => setSession(s?.role === "ADMIN" ? s : null));
    return onSignedOut(() => setSession(null));
  }, []);
  useEffect(() => {
    const label = PAGES.find((p) => p.path === (route[0] ?? ""))?.label ?? "Overview";
    document.title = `${label} · Advocate console`;
  }, [route]);
  if (session === undefined) return <Loading loading />;
  if (session === null)
    return (
      <KeySignIn
        title="Sign in to the console"
        role="ADMIN"
        onSignedIn={setSession}
        hint={
          <>
            The admin key (ADMIN_API_KEY; <code>npm start</code> prints it). It is exchanged once for a session cookie and not kept in the page.
          </>
        }
      />
    );
  return (
    <Shell product="console" who="Admin" nav={PAGES.map((p) => ({ href: `#/${p.path}`, label: p.label, active: (route[0] ?? "") === p.path }))}>
      <Page route={route} />
    </Shell>
  );
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
