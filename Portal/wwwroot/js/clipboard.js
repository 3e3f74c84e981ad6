// Copies text to the clipboard (connection details the person revealed). Resolves to false when the browser refuses.
export async function copyText(text) {
    try {
        await navigator.clipboard.writeText(text);
        return true;
    } catch {
        return false;
    }
}
