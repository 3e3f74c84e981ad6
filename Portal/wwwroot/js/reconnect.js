// The reconnect overlay's buttons (ReconnectOverlay.razor). Wired here because the Content-Security-Policy allows no
// inline event handlers.
document.addEventListener('click', event => {
    const button = event.target instanceof Element ? event.target.closest('[data-reconnect-action]') : null;
    if (!button) return;
    if (button.dataset.reconnectAction === 'retry') window.Blazor?.reconnect();
    else location.reload();
});
